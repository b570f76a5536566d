//! Builds the C clients in tests/c with the system C compiler against include/rvmaf.h and the
//! library cargo just built (librvmaf_capi.so), runs them and checks their numbers against
//! libvmaf's goldens in ../shared/reference.
//!
//! `CC` picks the compiler (default `cc`); `RVMAF_C_SANITIZE=address` builds the clients with
//! `-fsanitize=address,undefined` (scripts/test-all.sh runs this test a second time so). The
//! Rust library itself is not instrumented, but every byte it reads from the clients' buffers
//! and every string it hands back is.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn root() -> PathBuf {
    crate_dir().join("../..")
}

fn corpus() -> PathBuf {
    std::env::var("RVMAF_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/reference"))
}

fn model_dir() -> PathBuf {
    std::env::var("RVMAF_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/models"))
}

fn work_dir() -> PathBuf {
    let sanitize = std::env::var("RVMAF_C_SANITIZE").unwrap_or_default();
    let d = std::env::temp_dir().join(format!(
        "rvmaf-capi-test-{}{}",
        std::process::id(),
        if sanitize.is_empty() { "" } else { "-san" }
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The directory holding librvmaf_capi.so: next to (or above) this test's `deps` directory.
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    for d in [deps, deps.parent().unwrap()] {
        if d.join("librvmaf_capi.so").exists() {
            return d.to_path_buf();
        }
    }
    panic!("librvmaf_capi.so not found near {}", deps.display());
}

/// Compiles tests/c/`name`.c into an executable (once per test process).
fn build(name: &str) -> PathBuf {
    static LOCK: OnceLock<std::sync::Mutex<()>> = OnceLock::new();
    let _g = LOCK
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let out = work_dir().join(name);
    if out.exists() {
        return out;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let lib = lib_dir();
    let mut cmd = Command::new(&cc);
    cmd.args([
        "-std=c99",
        "-O1",
        "-g",
        "-Wall",
        "-Wextra",
        "-Werror",
        "-pedantic",
    ])
    .arg("-I")
    .arg(crate_dir().join("include"))
    .arg(crate_dir().join(format!("tests/c/{name}.c")))
    .arg("-o")
    .arg(&out)
    .arg(format!("-L{}", lib.display()))
    .arg(format!("-Wl,-rpath,{}", lib.display()))
    .args(["-lrvmaf_capi", "-lm"]);
    if std::env::var("RVMAF_C_SANITIZE").as_deref() == Ok("address") {
        cmd.args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
        ]);
    }
    let st = cmd
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cc}: {e}"));
    assert!(st.success(), "compiling tests/c/{name}.c failed");
    out
}

fn run(exe: &Path, args: &[String]) -> String {
    let o = Command::new(exe)
        .current_dir(work_dir())
        .args(args)
        .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success(),
        "{} {:?} failed ({}):\n{stderr}",
        exe.display(),
        args,
        o.status
    );
    assert!(
        !stderr.contains("Sanitizer"),
        "sanitizer report from {}:\n{stderr}",
        exe.display()
    );
    String::from_utf8(o.stdout).unwrap()
}

/// What score_y4m printed: per-frame scores and pooled values per input.
#[derive(Default, Debug)]
struct Scores {
    frames: BTreeMap<usize, usize>,
    /// input → score names in the library's order
    names: BTreeMap<usize, Vec<String>>,
    /// (input, frame, name) → value
    score: BTreeMap<(usize, usize, String), f64>,
    /// (input, name) → [min, max, mean, harmonic_mean]
    pool: BTreeMap<(usize, String), [f64; 4]>,
}

fn parse(out: &str) -> Scores {
    let mut s = Scores::default();
    for line in out.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        let num = |x: &str| x.parse::<f64>().unwrap();
        match f[0] {
            "frames" => {
                s.frames
                    .insert(f[1].parse().unwrap(), f[2].parse().unwrap());
            }
            "name" => {
                let i = f[1].parse().unwrap();
                s.names.entry(i).or_default().push(f[2].to_string());
            }
            "score" => {
                let k = (
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].to_string(),
                );
                s.score.insert(k, num(f[4]));
            }
            "pool" => {
                let v = [num(f[3]), num(f[4]), num(f[5]), num(f[6])];
                s.pool.insert((f[1].parse().unwrap(), f[2].to_string()), v);
            }
            other => panic!("unexpected line kind {other}: {line}"),
        }
    }
    s
}

fn score_y4m(opts: &[&str], reference: &Path, distorted: &[PathBuf]) -> Scores {
    let exe = build("score_y4m");
    let mut args: Vec<String> = opts.iter().map(|s| s.to_string()).collect();
    args.push(reference.display().to_string());
    args.extend(distorted.iter().map(|d| d.display().to_string()));
    parse(&run(&exe, &args))
}

fn golden(pair: &str, dis: &str, config: &str) -> Value {
    let p = corpus()
        .join(pair)
        .join(format!("dis_{dis}.{config}.full.json"));
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!("{}: {e}", p.display());
    }))
    .unwrap()
}

/// Compares input `input` of `s` with a golden: every score we printed for frames in `frames`
/// (except `skip(frame, name)`) equals libvmaf's double, and the names we print are exactly
/// `want_names` (or every golden name when `None`). With `pooled`, the pooled values too.
fn compare(
    s: &Scores,
    input: usize,
    g: &Value,
    want_names: Option<&[&str]>,
    pooled: bool,
    skip: impl Fn(usize, &str) -> bool,
) -> usize {
    let gframes = g["frames"].as_array().unwrap();
    let n = s.frames[&input];
    let mut compared = 0;
    assert!(
        gframes.len() >= n,
        "input {input}: {n} frames, golden has fewer"
    );
    for (f, gf) in gframes.iter().enumerate().take(n) {
        let gm = gf["metrics"].as_object().unwrap();
        let ours: Vec<(&String, f64)> = s
            .score
            .iter()
            .filter(|((i, fr, _), _)| *i == input && *fr == f)
            .map(|((_, _, k), v)| (k, *v))
            .collect();
        let mut names: Vec<&str> = ours.iter().map(|(k, _)| k.as_str()).collect();
        names.sort();
        let mut want: Vec<&str> = match want_names {
            Some(w) => w.to_vec(),
            None => gm.keys().map(|k| k.as_str()).collect(),
        };
        want.sort();
        assert_eq!(names, want, "input {input} frame {f}: score names");
        for (k, v) in ours {
            if skip(f, k) {
                continue;
            }
            let gv = gm[k.as_str()].as_f64().unwrap();
            assert_eq!(
                v, gv,
                "input {input} frame {f} {k}: ours {v:e}, libvmaf {gv:e}"
            );
            compared += 1;
        }
    }
    if pooled {
        let gp = g["pooled_metrics"].as_object().unwrap();
        for ((i, name), v) in &s.pool {
            if *i != input {
                continue;
            }
            let gv = &gp[name.as_str()];
            let want = ["min", "max", "mean", "harmonic_mean"].map(|m| gv[m].as_f64().unwrap());
            assert_eq!(*v, want, "input {input} pooled {name}");
            compared += 4;
        }
    }
    compared
}

const V0_CONFIG: &[&str] = &[
    "-m",
    "version=vmaf_v0.6.1",
    "-f",
    "psnr",
    "-f",
    "float_ssim",
    "-f",
    "float_ms_ssim",
    "-f",
    "ciede",
    "-f",
    "psnr_hvs",
    "-f",
    "cambi",
];

#[test]
fn api_contract() {
    let exe = build("api_checks");
    let out = run(&exe, &[]);
    assert!(out.contains("all checks passed"), "{out}");
}

/// The sample pair is the first 3 frames of dune_pan/x264_crf35 (see bindings/cli/tests): with
/// libvmaf's golden configuration every feature of every frame equals the golden, except the
/// last frame's motion2/motion3 and VMAF (the clip ends there). The goldens were made with
/// `--threads 2`, so with the threaded key order the names come in the golden's order. Also
/// checks the JSON file written through the API.
#[test]
fn sample_matches_libvmaf() {
    let t = root().join("testdata");
    let out = work_dir().join("sample.json");
    let mut opts = V0_CONFIG.to_vec();
    let o = out.display().to_string();
    opts.extend(["-t", "2", "-k", "threaded", "-o", &o]);
    let s = score_y4m(&opts, &t.join("ref.y4m"), &[t.join("dis.y4m")]);
    assert_eq!(s.frames[&0], 3);
    let g = golden("dune_pan", "x264_crf35", "vmaf_v0.6.1");
    let order: Vec<&String> = g["frames"][0]["metrics"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(s.names[&0].iter().collect::<Vec<_>>(), order, "key order");
    let last =
        |f: usize, k: &str| f == 2 && matches!(k, "integer_motion2" | "integer_motion3" | "vmaf");
    let n = compare(&s, 0, &g, None, false, last);
    assert!(n >= 3 * 23, "compared only {n} values");

    // The JSON written by rvmaf_context_write_output holds the same numbers.
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{o}.0")).unwrap()).unwrap();
    assert_eq!(j["version"], "3.2.0");
    let frames = j["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 3);
    for (f, fr) in frames.iter().enumerate() {
        for (k, v) in fr["metrics"].as_object().unwrap() {
            assert_eq!(
                Some(s.score[&(0, f, k.clone())]),
                v.as_f64(),
                "json frame {f} {k}"
            );
        }
    }
    for (k, v) in j["pooled_metrics"].as_object().unwrap() {
        assert_eq!(
            Some(s.pool[&(0, k.clone())][2]),
            v["mean"].as_f64(),
            "json pooled {k}"
        );
    }
}

/// One reference against three encodes in one context: each input equals its own golden, for
/// every frame and every pooled value.
#[test]
fn several_distorted_match_libvmaf() {
    let p = corpus().join("dune_pan");
    let dis = ["x264_crf23", "x264_crf35", "x264_crf40"];
    let files: Vec<PathBuf> = dis.iter().map(|d| p.join(format!("dis_{d}.y4m"))).collect();
    let s = score_y4m(
        &["-m", "version=vmaf_v0.6.1", "-f", "psnr", "-t", "2"],
        &p.join("ref.y4m"),
        &files,
    );
    let names = [
        "psnr_y",
        "psnr_cb",
        "psnr_cr",
        "integer_adm2",
        "integer_aim",
        "integer_adm3",
        "integer_adm_scale0",
        "integer_adm_scale1",
        "integer_adm_scale2",
        "integer_adm_scale3",
        "VMAF_integer_feature_motion_sad_score",
        "integer_vif_scale0",
        "integer_vif_scale1",
        "integer_vif_scale2",
        "integer_vif_scale3",
        "integer_motion2",
        "integer_motion3",
        "vmaf",
    ];
    for (i, d) in dis.iter().enumerate() {
        let g = golden("dune_pan", d, "vmaf_v0.6.1");
        assert_eq!(s.frames[&i], g["frames"].as_array().unwrap().len());
        compare(&s, i, &g, Some(&names), true, |_, _| false);
    }
}

/// 10-bit (model from a file), 4:2:2 (bootstrap model), 4:4:4, 4:0:0 and an odd size, each
/// against libvmaf's golden for the whole clip. Mono and odd-size goldens were made from
/// 4:2:0 copies with other chroma (see ../shared/reference/README.md), so there only the
/// luma-only model features and VMAF are compared, which is all that is computed.
#[test]
fn formats_and_depths_match_libvmaf() {
    let c = corpus();
    let v1 = format!(
        "path={}:name=vmaf_v1.0.16_3d0h",
        model_dir()
            .join("vmaf_v1.0.16/vmaf_v1.0.16_3d0h.json")
            .display()
    );
    let cases: Vec<(&str, &str, &str, Vec<&str>)> = vec![
        (
            "dark_storm_10bit",
            "svtav1_10bit_crf45",
            "vmaf_v1.0.16_3d0h",
            vec!["-m", &v1],
        ),
        (
            "static_coffee_422",
            "x264_422_crf23",
            "vmaf_b_v0.6.3",
            vec!["-m", "version=vmaf_b_v0.6.3:name=vmaf_b_v0.6.3", "-t", "2"],
        ),
        (
            "testsrc2_444",
            "x264_444_crf35",
            "vmaf_v0.6.1",
            vec!["-m", "vmaf_v0.6.1", "-f", "psnr", "-f", "ciede"],
        ),
        (
            "camera_gray",
            "x264_gray_crf35",
            "vmaf_v0.6.1",
            vec!["-m", "version=vmaf_v0.6.1"],
        ),
        (
            "mandelbrot_481x271",
            "vp9_crf50",
            "vmaf_v0.6.1",
            vec!["-m", "version=vmaf_v0.6.1"],
        ),
    ];
    for (pair, dis, config, opts) in cases {
        let s = score_y4m(
            &opts,
            &c.join(pair).join("ref.y4m"),
            &[c.join(pair).join(format!("dis_{dis}.y4m"))],
        );
        let g = golden(pair, dis, config);
        assert_eq!(
            s.frames[&0],
            g["frames"].as_array().unwrap().len(),
            "{pair}"
        );
        let mut ours: Vec<String> = s
            .score
            .keys()
            .filter(|(_, f, _)| *f == 0)
            .map(|(_, _, k)| k.clone())
            .collect();
        ours.dedup();
        let names: Vec<&str> = ours.iter().map(String::as_str).collect();
        assert!(names.len() >= 12, "{pair}: only {names:?}");
        let model = if config == "vmaf_v0.6.1" {
            "vmaf"
        } else {
            config
        };
        assert!(names.contains(&model), "{pair}: no {model} in {names:?}");
        let gm = g["frames"][0]["metrics"].as_object().unwrap();
        assert!(
            names.iter().all(|n| gm.contains_key(*n)),
            "{pair}: {names:?} not all in the golden"
        );
        compare(&s, 0, &g, Some(&names), true, |_, _| false);
    }
}

/// Strips a Y4M file's headers: raw planar frames.
fn y4m_to_raw(y4m: &Path, raw: &Path) {
    let data = std::fs::read(y4m).unwrap();
    let mut out = Vec::new();
    let mut rest = &data[data.iter().position(|&b| b == b'\n').unwrap() + 1..];
    let frame = 576 * 324 * 3 / 2;
    while !rest.is_empty() {
        assert!(rest.starts_with(b"FRAME\n"));
        out.extend_from_slice(&rest[6..6 + frame]);
        rest = &rest[6 + frame..];
    }
    std::fs::write(raw, out).unwrap();
}

/// The README's example (tests/c/example.c) builds, runs, writes its JSON, and prints what
/// score_y4m finds for the same frames (whose per-frame values are checked against libvmaf
/// above).
#[test]
fn readme_example() {
    let t = root().join("testdata");
    let (r, d) = (work_dir().join("ref.yuv"), work_dir().join("dis.yuv"));
    y4m_to_raw(&t.join("ref.y4m"), &r);
    y4m_to_raw(&t.join("dis.y4m"), &d);
    let exe = build("example");
    let args = [
        r.display().to_string(),
        d.display().to_string(),
        "576".into(),
        "324".into(),
    ];
    let out = run(&exe, &args);
    let s = score_y4m(
        &["-m", "vmaf_v0.6.1", "-f", "psnr"],
        &t.join("ref.y4m"),
        &[t.join("dis.y4m")],
    );
    let want = format!(
        "VMAF {:.6}, frame 0 PSNR-Y {:.6}\n",
        s.pool[&(0, "vmaf".to_string())][2],
        s.score[&(0, 0, "psnr_y".to_string())]
    );
    assert_eq!(out, want);
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(work_dir().join("rvmaf.json")).unwrap())
            .unwrap();
    assert_eq!(j["frames"].as_array().unwrap().len(), 3);
}
