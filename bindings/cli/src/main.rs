//! The `rvmaf` command line: libvmaf's `vmaf` flags and outputs on rvmaf's engine.

mod args;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use rvmaf::io::{open_video, RawFormat, VideoReader};
use rvmaf::model::{default_model_name, ModelSpec};
use rvmaf::{
    Context, Error, KeyOrder, MultiContext, OutputFormat, OutputOptions, Picture, PixelFormat,
    PoolMethod, Precision, Report,
};

use args::Args;

/// A failure with the exit code libvmaf would use for its class (1 = usage, 255 = runtime).
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(m: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: m.into(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure {
            code: 255,
            message: e.to_string(),
        }
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let result = if argv.get(1).map(String::as_str) == Some("cambi") {
        cambi_main(&argv)
    } else {
        match Args::try_parse_from(&argv) {
            Ok(a) => run(a),
            Err(e) => {
                let code = if e.use_stderr() { 1 } else { 0 };
                let _ = e.print();
                return ExitCode::from(code);
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("rvmaf: error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Models and features added by `--aom_ctc` / `--nflx_ctc` (libvmaf's presets). Returns whether
/// the preset scores inputs of different bit depths at their common (highest) depth (AOM CTC
/// v6.0+; libvmaf reads the shallower file as if it were deep, rvmaf shifts its samples up).
fn apply_presets(
    a: &Args,
    models: &mut Vec<ModelSpec>,
    features: &mut Vec<String>,
) -> Result<bool, Failure> {
    let model = |v: &str, n: &str| ModelSpec {
        name: n.into(),
        ..ModelSpec::builtin(v)
    };
    let mut common_bitdepth = false;
    if let Some(v) = &a.aom_ctc {
        let level = match v.as_str() {
            "proposed" => return Err(Failure::usage("`--aom_ctc proposed` is deprecated.")),
            "v1.0" => 1,
            "v2.0" => 2,
            "v3.0" => 3,
            "v4.0" => 4,
            "v5.0" => 5,
            "v6.0" => 6,
            "v7.0" => 7,
            _ => return Err(Failure::usage(format!("bad aom_ctc version \"{v}\""))),
        };
        models.push(model("vmaf_v0.6.1", "vmaf"));
        models.push(model("vmaf_v0.6.1neg", "vmaf_neg"));
        features.push("psnr=reduced_hbd_peak=true:enable_apsnr=true:min_sse=0.5".into());
        features.push("ciede".into());
        features.push("float_ssim=enable_db=true:clip_db=true".into());
        features.push("float_ms_ssim=enable_db=true:clip_db=true".into());
        features.push("psnr_hvs".into());
        if level >= 3 {
            features.push("cambi".into());
        }
        common_bitdepth = level >= 6;
        if level >= 7 {
            let f = "float_ssim=scale=1:enable_db=true:clip_db=true".to_string();
            match features
                .iter()
                .position(|x| x.split('=').next() == Some("float_ssim"))
            {
                Some(i) => features[i] = f,
                None => features.push(f),
            }
        }
    }
    if let Some(v) = &a.nflx_ctc {
        if v != "v1.0" {
            return Err(Failure::usage(format!("bad nflx_ctc version \"{v}\"")));
        }
        models.push(model("vmaf_4k_v0.6.1", "vmaf"));
        models.push(model("vmaf_4k_v0.6.1neg", "vmaf_neg"));
        features.push("psnr=enable_chroma=true:enable_apsnr=true".into());
        features.push("float_ssim=enable_db=true:clip_db=true".into());
        features.push("cambi".into());
    }
    Ok(common_bitdepth)
}

/// The output format from the format flags (libvmaf: last one wins; clap does not keep the
/// order, so the explicit non-default ones take precedence).
fn output_format(json: bool, csv: bool, sub: bool) -> OutputFormat {
    if json {
        OutputFormat::Json
    } else if csv {
        OutputFormat::Csv
    } else if sub {
        OutputFormat::Sub
    } else {
        OutputFormat::Xml
    }
}

/// `--precision` and `--pool` → output options.
fn output_options(precision: Option<&str>, pools: &[String]) -> Result<OutputOptions, Failure> {
    let precision = match precision {
        None => Precision::default(),
        Some("max") => Precision::Max,
        Some(p) => Precision::Digits(p.parse::<usize>().ok().filter(|d| *d <= 17).ok_or_else(
            || {
                Failure::usage(format!(
                    "invalid --precision \"{p}\"; should be 0..17 or max"
                ))
            },
        )?),
    };
    let mut extra_pools = Vec::new();
    for p in pools {
        let m = PoolMethod::parse(p).ok_or_else(|| {
            Failure::usage(format!(
                "unknown pooling method \"{p}\" (use min, max, mean, harmonic_mean or pN, 0 <= N <= 100)"
            ))
        })?;
        if !PoolMethod::STANDARD.contains(&m) {
            extra_pools.push(m);
        }
    }
    Ok(OutputOptions {
        precision,
        extra_pools,
    })
}

fn raw_format(
    width: Option<u64>,
    height: Option<u64>,
    pixel_format: Option<&str>,
    bitdepth: Option<u64>,
) -> Result<Option<RawFormat>, Failure> {
    if width.is_none() && height.is_none() && pixel_format.is_none() && bitdepth.is_none() {
        return Ok(None);
    }
    let (Some(w), Some(h)) = (width, height) else {
        return Err(Failure::usage(
            "raw YUV input needs both --width and --height",
        ));
    };
    let format = match pixel_format {
        None => PixelFormat::Yuv420,
        Some(p) => PixelFormat::parse(p).ok_or_else(|| {
            Failure::usage(format!(
                "invalid pixel format \"{p}\"; should be 400/420/422/444"
            ))
        })?,
    };
    let bit_depth = bitdepth.unwrap_or(8);
    if !(8..=16).contains(&bit_depth) {
        return Err(Failure::usage(format!(
            "invalid bit depth {bit_depth}; should be 8..16"
        )));
    }
    if w == 0 || h == 0 {
        return Err(Failure::usage(format!("invalid size {w}x{h}")));
    }
    Ok(Some(RawFormat {
        width: w as usize,
        height: h as usize,
        format,
        bit_depth: bit_depth as u32,
    }))
}

/// `out.json` → `out.<i>.json` (index before the extension) when several inputs are scored.
fn indexed_path(path: &str, i: usize, n: usize) -> PathBuf {
    if n <= 1 {
        return PathBuf::from(path);
    }
    let p = Path::new(path);
    match (p.file_stem(), p.extension()) {
        (Some(stem), Some(ext)) => p.with_file_name(format!(
            "{}.{i}.{}",
            stem.to_string_lossy(),
            ext.to_string_lossy()
        )),
        _ => PathBuf::from(format!("{path}.{i}")),
    }
}

/// Writes `report` to `path` through a temporary file, so a failed run leaves no partial file.
fn write_report(
    report: &Report,
    path: &Path,
    format: OutputFormat,
    opts: &OutputOptions,
) -> Result<(), Failure> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.rvmaf-tmp-{}",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ));
    let io_err = |e: std::io::Error| Failure {
        code: 255,
        message: format!("{}: {e}", path.display()),
    };
    let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(io_err)?);
    let res = report.write(&mut f, format, opts).and_then(|_| f.flush());
    drop(f);
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_err(e)
    })
}

fn set_cpu(mask: Option<u64>) {
    if let Some(m) = mask {
        let lvl = if m & 8 != 0 {
            rvmaf::cpu::CpuLevel::Scalar
        } else if m & (16 | 32) != 0 {
            rvmaf::cpu::CpuLevel::Avx2
        } else {
            rvmaf::cpu::CpuLevel::Avx512
        };
        rvmaf::cpu::set_cpu_level(lvl);
    }
}

struct Target {
    reader: Box<dyn VideoReader>,
    /// Frame as stored in the file, when it must be converted to the common bit depth.
    file_pic: Option<Picture>,
    pic: Picture,
    label: String,
    done: bool,
}

fn run(a: Args) -> Result<(), Failure> {
    if a.version {
        eprintln!(
            "rvmaf {} (libvmaf-compatible {})",
            env!("CARGO_PKG_VERSION"),
            rvmaf::output::LIBVMAF_VERSION
        );
        return Ok(());
    }
    let reference = a
        .reference
        .clone()
        .ok_or_else(|| Failure::usage("a reference is required (-r/--reference)"))?;
    if a.distorted.is_empty() {
        return Err(Failure::usage(
            "a distorted input is required (-d/--distorted)",
        ));
    }
    if a.distorted.iter().filter(|d| *d == "-").count() + usize::from(reference == "-") > 1 {
        return Err(Failure::usage("only one input can be read from stdin"));
    }
    let out_opts = output_options(a.precision.as_deref(), &a.pool)?;
    let format = output_format(a.json, a.csv, a.sub);
    let subsample = a.subsample.unwrap_or(1).max(1) as usize;
    set_cpu(a.cpumask);

    let mut model_specs = a
        .model
        .iter()
        .map(|s| ModelSpec::parse(s).map_err(|e| Failure::usage(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let mut feature_specs = Vec::new();
    let common_bitdepth = apply_presets(&a, &mut model_specs, &mut feature_specs)?;
    feature_specs.extend(a.feature.iter().cloned());
    if model_specs.is_empty() && !a.no_prediction {
        model_specs.push(ModelSpec::builtin(default_model_name()));
    }
    for (i, m) in model_specs.iter().enumerate() {
        if model_specs[..i].iter().any(|o| o.name == m.name) {
            return Err(Failure::usage(format!(
                "model name \"{}\" is used twice; set name= on one of them",
                m.name
            )));
        }
    }
    let models = model_specs
        .iter()
        .map(ModelSpec::load)
        .collect::<Result<Vec<_>, _>>()?;
    let key_order = if a.threads.unwrap_or(0) >= 1 {
        KeyOrder::Threaded
    } else {
        KeyOrder::Unthreaded
    };

    let raw = raw_format(a.width, a.height, a.pixel_format.as_deref(), a.bitdepth)?;
    let mut ref_reader = open_video(Path::new(&reference), raw)?;
    let g_file = ref_reader.geometry();
    let mut readers = Vec::new();
    for d in &a.distorted {
        readers.push(open_video(Path::new(d), raw)?);
    }
    // The scoring geometry: the reference's, or with a common bit depth the deepest input's.
    let mut g = g_file;
    if common_bitdepth {
        g.bit_depth = readers
            .iter()
            .map(|r| r.geometry().bit_depth)
            .fold(g.bit_depth, u32::max);
    }
    let mut targets = Vec::new();
    for (d, reader) in a.distorted.iter().zip(readers) {
        let gd = reader.geometry();
        let same = if common_bitdepth {
            (gd.format, gd.width, gd.height) == (g.format, g.width, g.height)
        } else {
            gd == g
        };
        if !same {
            return Err(Error::Mismatch(format!(
                "\"{reference}\" is {}x{} {} {}-bit but \"{d}\" is {}x{} {} {}-bit",
                g_file.width,
                g_file.height,
                g_file.format.as_str(),
                g_file.bit_depth,
                gd.width,
                gd.height,
                gd.format.as_str(),
                gd.bit_depth
            ))
            .into());
        }
        targets.push(Target {
            file_pic: (gd != g).then(|| Picture::new(gd)).transpose()?,
            reader,
            pic: Picture::new(g)?,
            label: d.clone(),
            done: false,
        });
    }
    let mut b = Context::builder()
        .threads(a.threads.unwrap_or(0) as usize)
        .subsample(subsample)
        .key_order(key_order)
        .no_prediction(a.no_prediction);
    for m in models {
        b = b.model(m);
    }
    for f in &feature_specs {
        b = b.feature_spec(f)?;
    }
    let mut multi = MultiContext::new(&b, targets.len())?;

    let mut skip_pic = Picture::new(g_file)?;
    for _ in 0..a.frame_skip_ref.unwrap_or(0) {
        if !ref_reader.read_frame(&mut skip_pic)? {
            break;
        }
    }
    for t in &mut targets {
        for _ in 0..a.frame_skip_dist.unwrap_or(0) {
            if !t.reader.skip_frame()? {
                break;
            }
        }
    }

    let tty = std::io::stderr().is_terminal();
    let progress = (tty && !a.quiet).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} frames {per_sec} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        pb
    });
    let t0 = Instant::now();
    let mut ref_pic = Picture::new(g)?;
    let mut ref_file_pic = (g_file != g).then(|| Picture::new(g_file)).transpose()?;
    let frame_cnt = a.frame_cnt.unwrap_or(0);
    let mut n = 0u64;
    loop {
        if frame_cnt > 0 && n >= frame_cnt {
            break;
        }
        let ref_ok = read_converted(ref_reader.as_mut(), ref_file_pic.as_mut(), &mut ref_pic)?;
        let mut ok = vec![false; targets.len()];
        for (t, ok) in targets.iter_mut().zip(ok.iter_mut()) {
            if t.done {
                continue;
            }
            let dis_ok = read_converted(t.reader.as_mut(), t.file_pic.as_mut(), &mut t.pic)?;
            match (ref_ok, dis_ok) {
                (true, true) => *ok = true,
                (false, false) => t.done = true,
                (false, true) => {
                    eprintln!("\"{reference}\" ended before \"{}\".", t.label);
                    t.done = true;
                }
                (true, false) => {
                    eprintln!("\"{}\" ended before \"{reference}\".", t.label);
                    t.done = true;
                }
            }
        }
        let any = ok.iter().any(|x| *x);
        if ok.iter().all(|x| *x) {
            let views: Vec<_> = targets.iter().map(|t| t.pic.view()).collect();
            multi.push(&ref_pic.view(), &views)?;
        } else if any {
            let some: Vec<_> = targets
                .iter()
                .enumerate()
                .filter(|(i, _)| ok[*i])
                .map(|(i, t)| (i, t.pic.view()))
                .collect();
            multi.push_some(&ref_pic.view(), &some)?;
        }
        if !ref_ok || !any {
            break;
        }
        n += 1;
        if let Some(pb) = &progress {
            pb.set_position(n);
        }
    }
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    let secs = t0.elapsed().as_secs_f64();
    let n_targets = targets.len();
    let frames: Vec<usize> = (0..n_targets).map(|i| multi.frames(i)).collect();
    for (i, (t, mut report)) in targets.iter().zip(multi.finish()?).enumerate() {
        report.set_fps((secs > 0.0).then(|| frames[i] as f64 / secs));
        if !a.quiet {
            for d in report.diagnostics() {
                eprintln!(
                    "rvmaf: warning: {}{d}",
                    if n_targets > 1 {
                        format!("{}: ", t.label)
                    } else {
                        String::new()
                    }
                );
            }
        }
        if !a.quiet || a.output.is_none() {
            print_scores(&report, &model_specs, n_targets, &t.label);
        }
        if let Some(o) = &a.output {
            write_report(&report, &indexed_path(o, i, n_targets), format, &out_opts)?;
        }
    }
    Ok(())
}

/// Reads a frame into `pic`, through `file_pic` and a bit-depth conversion when given.
fn read_converted(
    r: &mut dyn VideoReader,
    file_pic: Option<&mut Picture>,
    pic: &mut Picture,
) -> rvmaf::Result<bool> {
    match file_pic {
        None => r.read_frame(pic),
        Some(f) => {
            if !r.read_frame(f)? {
                return Ok(false);
            }
            pic.copy_from_upshifted(&f.view())?;
            Ok(true)
        }
    }
}

/// libvmaf's console summary: `<model>: <pooled mean>` per model, and the bootstrap interval.
fn print_scores(report: &Report, specs: &[ModelSpec], n_targets: usize, label: &str) {
    let prefix = if n_targets > 1 {
        format!("{label}: ")
    } else {
        String::new()
    };
    for (name, spec) in report.model_names().iter().zip(specs) {
        let shown = spec.label();
        if let Some(v) = report.pool(name, PoolMethod::Mean) {
            eprintln!("{prefix}{shown}: {v:.6}");
        }
    }
    for c in report.collection_names() {
        let g = |s: &str| report.pool(&format!("{c}_{s}"), PoolMethod::Mean);
        if let (Some(b), Some(lo), Some(hi), Some(sd)) =
            (g("bagging"), g("ci_p95_lo"), g("ci_p95_hi"), g("stddev"))
        {
            let shown = specs
                .iter()
                .find(|s| &s.name == c)
                .map(|s| s.label())
                .unwrap_or(c);
            eprintln!("{prefix}{shown}: {b:.6}, ci.p95: [{lo:.6}, {hi:.6}], stddev: {sd:.6}");
        }
    }
}

/// `rvmaf cambi INPUT`: no-reference CAMBI, output identical to a two-input run with
/// `-n --feature cambi=...` whose distorted input is INPUT.
fn cambi_main(argv: &[String]) -> Result<(), Failure> {
    let args: Vec<String> = std::iter::once("rvmaf cambi".to_string())
        .chain(argv[2..].iter().cloned())
        .collect();
    let a = match args::CambiArgs::try_parse_from(&args) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Err(Failure::usage("invalid arguments (see above)"))
            } else {
                Ok(())
            };
        }
    };
    let mut options = rvmaf::FeatureDict::new();
    for o in &a.option {
        let d =
            rvmaf::FeatureDict::parse_colon_list(o).map_err(|e| Failure::usage(e.to_string()))?;
        options = options.merged(&d);
    }
    if let Some(h) = &a.heatmaps {
        options.set("heatmaps_path", h);
    }
    let out_opts = output_options(a.precision.as_deref(), &a.pool)?;
    let format = output_format(a.json, a.csv, a.sub);
    let raw = raw_format(a.width, a.height, a.pixel_format.as_deref(), a.bitdepth)?;
    let mut reader = open_video(Path::new(&a.input), raw)?;
    let mut pic = Picture::new(reader.geometry())?;
    for _ in 0..a.frame_skip.unwrap_or(0) {
        if !reader.skip_frame()? {
            break;
        }
    }
    let mut run = rvmaf::CambiRun::new(&options)?;
    let t0 = Instant::now();
    let limit = a.frame_cnt.unwrap_or(0);
    while (limit == 0 || (run.frames() as u64) < limit) && reader.read_frame(&mut pic)? {
        run.push(&pic.view())?;
    }
    let frames = run.frames();
    let mut report = run.finish()?;
    let secs = t0.elapsed().as_secs_f64();
    report.set_fps((secs > 0.0).then(|| frames as f64 / secs));
    if !a.quiet || a.output.is_none() {
        for n in report.names() {
            if let Some(v) = report.pool(n, PoolMethod::Mean) {
                eprintln!("{n}: {v:.6}");
            }
        }
    }
    if let Some(o) = &a.output {
        write_report(&report, Path::new(o), format, &out_opts)?;
    }
    Ok(())
}
