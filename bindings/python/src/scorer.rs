//! `rvmaf.Scorer`: streaming, one frame pair per `push`.

use std::sync::Mutex;
use std::time::Instant;

use pyo3::prelude::*;
use rvmaf::{Context, Error};

use crate::config::{Config, FeaturesArg, ModelArg};
use crate::error::{detached, invalid};
use crate::input::{check_bit_depth, check_same, Input, Rank};
use crate::result::ScoreResult;

struct State {
    ctx: Option<Context>,
    started: Option<Instant>,
}

/// A streaming scorer: `push(reference_frame, distorted_frame)` per frame, then `finish()`.
///
/// Takes score()'s keywords (model, features, threads, subsample, bit_depth). Frames are (H, W)
/// uint8/uint16 arrays (luma only) or (Y, U, V) tuples of 2-D arrays; every frame must have the
/// size, format and depth of the first. The result equals score() on the same frames. The GIL
/// is released while a frame is scored, so Scorers in different threads run in parallel.
#[pyclass(frozen, module = "rvmaf", name = "Scorer")]
pub(crate) struct Scorer {
    state: Mutex<State>,
    subsample: usize,
    bit_depth: Option<u32>,
}

fn poisoned() -> Error {
    Error::invalid("this Scorer failed earlier with an internal error and cannot be used")
}

#[pymethods]
impl Scorer {
    #[new]
    #[pyo3(
        text_signature = "(model='vmaf_v0.6.1', features=(), *, threads=0, subsample=1, bit_depth=None)"
    )]
    #[pyo3(signature = (model = ModelArg::Default, features = FeaturesArg::default(), *, threads = 0, subsample = 1, bit_depth = None))]
    fn new(
        model: ModelArg,
        features: FeaturesArg,
        threads: i64,
        subsample: i64,
        bit_depth: Option<i64>,
    ) -> PyResult<Self> {
        let cfg = Config::new(&model, &features, threads, subsample)?;
        let bit_depth = check_bit_depth(bit_depth)?;
        let ctx = cfg.builder.build().map_err(crate::error::to_pyerr)?;
        Ok(Scorer {
            state: Mutex::new(State {
                ctx: Some(ctx),
                started: None,
            }),
            subsample: cfg.subsample,
            bit_depth,
        })
    }

    /// Scores one frame pair: `(H, W)` uint8/uint16 arrays or `(Y, U, V)` tuples of them.
    fn push(
        &self,
        py: Python<'_>,
        reference: &Bound<'_, PyAny>,
        distorted: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let r = Input::extract(reference, Rank::Frame, self.bit_depth, "reference")?;
        let d = Input::extract(distorted, Rank::Frame, self.bit_depth, "distorted")?;
        let (mut rs, mut ds) = (r.source("reference"), d.source("distorted"));
        detached(py, || {
            check_same(&rs, &ds)?;
            rs.advance()?;
            ds.advance()?;
            let mut st = self.state.lock().map_err(|_| poisoned())?;
            st.started.get_or_insert_with(Instant::now);
            let ctx = st
                .ctx
                .as_mut()
                .ok_or_else(|| Error::invalid("finish() was already called on this Scorer"))?;
            ctx.push(&rs.view()?, &ds.view()?)
        })
    }

    /// Frames pushed so far.
    #[getter]
    fn frames(&self) -> PyResult<usize> {
        let st = self
            .state
            .lock()
            .map_err(|_| invalid(poisoned().to_string()))?;
        Ok(st.ctx.as_ref().map_or(0, Context::frames))
    }

    /// Ends the stream (temporal features, model predictions) and returns the Result. The
    /// Scorer cannot be used afterwards.
    fn finish(&self, py: Python<'_>) -> PyResult<ScoreResult> {
        let subsample = self.subsample;
        detached(py, || {
            let (ctx, started) = {
                let mut st = self.state.lock().map_err(|_| poisoned())?;
                let ctx = st
                    .ctx
                    .take()
                    .ok_or_else(|| Error::invalid("finish() was already called on this Scorer"))?;
                (ctx, st.started)
            };
            let frames = ctx.frames();
            let report = ctx.finish()?;
            let fps = started
                .map(|t| t.elapsed().as_secs_f64())
                .filter(|s| *s > 0.0)
                .map(|s| frames as f64 / s);
            Ok(ScoreResult::from_report(&report, subsample, fps))
        })
    }

    fn __repr__(&self) -> String {
        match self.state.lock() {
            Ok(st) => match &st.ctx {
                Some(c) => format!("<rvmaf.Scorer frames={}>", c.frames()),
                None => "<rvmaf.Scorer finished>".into(),
            },
            Err(_) => "<rvmaf.Scorer failed>".into(),
        }
    }
}
