//! Python bindings of rvmaf: the `rvmaf._rvmaf` extension module behind the `rvmaf` package
//! (see `python/rvmaf/__init__.py` and the stubs next to it for the documented API).

mod config;
mod error;
mod input;
mod result;
mod scorer;

use std::time::Instant;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rvmaf::features::cambi::CambiScorer;
use rvmaf::{Collector, FeatureDict, MultiContext};

use config::{Config, FeaturesArg, ModelArg};
use error::{detached, invalid, Interrupt, RvmafError};
use input::{check_bit_depth, check_same, Input, Rank, Source};
use result::ScoreResult;

/// Names of the built-in models, in libvmaf's order.
#[pyfunction]
fn models() -> Vec<String> {
    rvmaf::model::builtin_model_names()
        .map(str::to_string)
        .collect()
}

/// Names of the feature extractors `features=` accepts.
#[pyfunction]
fn extractors() -> Vec<String> {
    rvmaf::features::registry()
        .iter()
        .map(|d| d.name.to_string())
        .filter(|n| n != "null")
        .collect()
}

/// Scores one reference against every distorted source in lockstep, like libvmaf's CLI:
/// when lengths differ the common prefix is scored and a warning returned.
fn run_multi(
    cfg: &Config,
    reference: &mut Source<'_>,
    distorted: &mut [Source<'_>],
    interrupt: &Interrupt,
) -> rvmaf::Result<(Vec<ScoreResult>, Vec<String>)> {
    reference.open()?;
    for d in distorted.iter_mut() {
        d.open()?;
        check_same(reference, d)?;
    }
    let n = distorted.len();
    let mut multi = MultiContext::new(&cfg.builder, n)?;
    let mut warnings = Vec::new();
    let mut done = vec![false; n];
    let t0 = Instant::now();
    loop {
        interrupt.check()?;
        let ref_ok = reference.advance()?;
        let mut ok = vec![false; n];
        for (i, d) in distorted.iter_mut().enumerate() {
            if done[i] {
                continue;
            }
            let dis_ok = d.advance()?;
            match (ref_ok, dis_ok) {
                (true, true) => ok[i] = true,
                (false, false) => done[i] = true,
                (false, true) => {
                    warnings.push(format!(
                        "{} ended before {}; scored the first {} frames",
                        reference.label(),
                        d.label(),
                        multi.frames(i)
                    ));
                    done[i] = true;
                }
                (true, false) => {
                    warnings.push(format!(
                        "{} ended before {}; scored the first {} frames",
                        d.label(),
                        reference.label(),
                        multi.frames(i)
                    ));
                    done[i] = true;
                }
            }
        }
        if !ref_ok || !ok.iter().any(|x| *x) {
            break;
        }
        let rv = reference.view()?;
        if ok.iter().all(|x| *x) {
            let views = distorted
                .iter()
                .map(|d| d.view())
                .collect::<rvmaf::Result<Vec<_>>>()?;
            multi.push(&rv, &views)?;
        } else {
            for (i, d) in distorted.iter().enumerate() {
                if ok[i] {
                    multi.push_one(i, &rv, &d.view()?)?;
                }
            }
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    let frames: Vec<usize> = (0..n).map(|i| multi.frames(i)).collect();
    let reports = multi.finish()?;
    let results = reports
        .iter()
        .zip(frames)
        .map(|(r, f)| {
            let fps = (secs > 0.0).then(|| f as f64 / secs);
            ScoreResult::from_report(r, cfg.subsample, fps)
        })
        .collect();
    Ok((results, warnings))
}

fn warn_all(py: Python<'_>, warnings: &[String]) -> PyResult<()> {
    let category = py.get_type::<pyo3::exceptions::PyRuntimeWarning>();
    for w in warnings {
        let msg = std::ffi::CString::new(w.replace('\0', " ")).expect("no NUL");
        PyErr::warn(py, &category, &msg, 1)?;
    }
    Ok(())
}

/// Scores `reference` against `distorted` with libvmaf's metrics and returns a Result.
///
/// reference, distorted: a Y4M path (str or os.PathLike); a uint8/uint16 numpy array shaped
///     (frames, height, width) (luma only, pixel format 400); or a (Y, U, V) tuple of such arrays
///     whose shapes give 4:2:0, 4:2:2 or 4:4:4 (odd sizes: chroma rounds up). Non-contiguous
///     arrays are copied one frame at a time. `distorted` may also be a list of inputs: the
///     reference is then read once and a list of Results comes back, each identical to a
///     separate call.
/// model: a built-in model name (see models()), a libvmaf model string
///     ("version=vmaf_4k_v0.6.1:name=vmaf_4k"), a path to a model JSON file, a list of them
///     (each keyed by its name unless name= says otherwise), or None for features only.
/// features: libvmaf feature specs such as "psnr", "float_ssim" or "cambi=full_ref=true".
/// threads: worker threads (0 = every core). Scores never depend on it.
/// subsample: score every n-th frame.
/// bit_depth: bits per sample of uint16 arrays (9..16); Y4M files say it themselves.
///
/// When the inputs have different lengths the common prefix is scored and a RuntimeWarning
/// issued, as libvmaf does. Bad inputs raise RvmafError (a ValueError) with rvmaf's message,
/// unreadable files an OSError. The GIL is released while frames are scored.
#[pyfunction]
#[pyo3(
    text_signature = "(reference, distorted, *, model='vmaf_v0.6.1', features=(), threads=0, subsample=1, bit_depth=None)"
)]
#[pyo3(signature = (reference, distorted, *, model = ModelArg::Default, features = FeaturesArg::default(), threads = 0, subsample = 1, bit_depth = None))]
#[allow(clippy::too_many_arguments)]
fn score<'py>(
    py: Python<'py>,
    reference: &Bound<'py, PyAny>,
    distorted: &Bound<'py, PyAny>,
    model: ModelArg,
    features: FeaturesArg,
    threads: i64,
    subsample: i64,
    bit_depth: Option<i64>,
) -> PyResult<Bound<'py, PyAny>> {
    let cfg = Config::new(&model, &features, threads, subsample)?;
    let bit_depth = check_bit_depth(bit_depth)?;
    let reference = Input::extract(reference, Rank::Stack, bit_depth, "reference")?;
    let (dis_objs, many) = match distorted.cast::<PyList>() {
        Ok(list) => (list.iter().collect::<Vec<_>>(), true),
        Err(_) => (vec![distorted.clone()], false),
    };
    if dis_objs.is_empty() {
        return Err(invalid("distorted: the list is empty"));
    }
    let labels: Vec<String> = (0..dis_objs.len())
        .map(|i| {
            if many {
                format!("distorted[{i}]")
            } else {
                "distorted".to_string()
            }
        })
        .collect();
    let dis = dis_objs
        .iter()
        .zip(&labels)
        .map(|(o, l)| Input::extract(o, Rank::Stack, bit_depth, l))
        .collect::<PyResult<Vec<_>>>()?;
    let mut rs = reference.source("reference");
    let mut ds: Vec<Source<'_>> = dis.iter().zip(&labels).map(|(d, l)| d.source(l)).collect();
    let interrupt = Interrupt::new(py)?;
    let (results, warnings) = interrupt.finish(detached(py, || {
        run_multi(&cfg, &mut rs, &mut ds, &interrupt)
    }))?;
    warn_all(py, &warnings)?;
    if many {
        let list = PyList::empty(py);
        for r in results {
            list.append(Bound::new(py, r)?)?;
        }
        Ok(list.into_any())
    } else {
        let r = results.into_iter().next().expect("one result");
        Ok(Bound::new(py, r)?.into_any())
    }
}

/// A libvmaf option value from a Python value (`True` → `"true"`, numbers as written).
fn option_text(v: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(b) = v.extract::<bool>() {
        return Ok(if b { "true" } else { "false" }.into());
    }
    if let Ok(s) = v.cast::<PyString>() {
        return s.extract::<String>();
    }
    v.str()?.extract::<String>()
}

/// CAMBI, Netflix's banding index, of a single input (no reference) and returns a Result.
///
/// frames: a Y4M path, a uint8/uint16 (frames, height, width) array or a (Y, U, V) tuple of them
///     (CAMBI reads luma only).
/// bit_depth: bits per sample of uint16 arrays (9..16).
/// options: libvmaf's cambi options, e.g. topk=0.2, window_size=33, tvi_threshold=0.012,
///     eotf="pq", enc_width=1920, enc_height=1080, heatmaps_path="dir". Non-default options
///     suffix the key as libvmaf does ("cambi_topk_0.2"...); full_ref needs a reference: use
///     score(ref, dis, model=None, features="cambi=full_ref=true").
#[pyfunction]
#[pyo3(signature = (frames, *, bit_depth = None, **options))]
fn cambi<'py>(
    py: Python<'py>,
    frames: &Bound<'py, PyAny>,
    bit_depth: Option<i64>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<ScoreResult> {
    let bit_depth = check_bit_depth(bit_depth)?;
    let mut dict = FeatureDict::new();
    if let Some(o) = options {
        for (k, v) in o.iter() {
            let key: String = k.extract()?;
            dict.set(&key, &option_text(&v)?);
        }
    }
    let input = Input::extract(frames, Rank::Stack, bit_depth, "frames")?;
    let mut src = input.source("frames");
    let interrupt = Interrupt::new(py)?;
    let result = detached(py, || {
        src.open()?;
        let g = src.geometry();
        let mut scorer = CambiScorer::with_dict(&dict, g)?;
        let mut c = Collector::new();
        let t0 = Instant::now();
        let mut n = 0;
        while src.advance()? {
            interrupt.check()?;
            let v = scorer.score(&src.view()?)?;
            c.append(scorer.feature_name(), n, v)?;
            n += 1;
        }
        if n == 0 {
            return Err(rvmaf::Error::invalid(format!(
                "{}: no frames to score",
                src.label()
            )));
        }
        let secs = t0.elapsed().as_secs_f64();
        let fps = (secs > 0.0).then(|| n as f64 / secs);
        Ok(ScoreResult::from_collector(c, n, g.width, g.height, fps))
    });
    interrupt.finish(result)
}

/// The `rvmaf._rvmaf` extension module.
#[pymodule]
fn _rvmaf(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("RvmafError", py.get_type::<RvmafError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("LIBVMAF_VERSION", rvmaf::output::LIBVMAF_VERSION)?;
    m.add(
        "DEFAULT_MODEL",
        rvmaf::model::default_model_name().to_string(),
    )?;
    m.add_function(wrap_pyfunction!(models, m)?)?;
    m.add_function(wrap_pyfunction!(extractors, m)?)?;
    m.add_function(wrap_pyfunction!(score, m)?)?;
    m.add_function(wrap_pyfunction!(cambi, m)?)?;
    m.add_function(wrap_pyfunction!(result::_result_from_state, m)?)?;
    m.add_class::<ScoreResult>()?;
    m.add_class::<scorer::Scorer>()?;
    Ok(())
}
