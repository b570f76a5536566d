//! No-reference scoring: CAMBI banding on a single picture stream.
//!
//! libvmaf only runs CAMBI through its two-input pipeline; here one stream is enough. The
//! [`Report`] has the same keys, per-frame values and pooling as a two-input run whose
//! distorted input is this stream (`rvmaf -r X -d INPUT -n --feature cambi=...`).

use crate::collector::Collector;
use crate::engine::Report;
use crate::error::{Error, Result};
use crate::features::cambi::CambiScorer;
use crate::frame::{Geometry, PictureView};
use crate::options::FeatureDict;

/// Streaming CAMBI over one input: push pictures, then [`CambiRun::finish`].
#[derive(Debug)]
pub struct CambiRun {
    options: FeatureDict,
    scorer: Option<CambiScorer>,
    geometry: Option<Geometry>,
    collector: Collector,
    frames: usize,
}

impl CambiRun {
    /// A run with CAMBI options (libvmaf's names: `window_size`, `topk`, `tvi_threshold`,
    /// `eotf`, `enc_width`, `heatmaps_path`, ...). `full_ref` is refused (it needs a reference).
    pub fn new(options: &FeatureDict) -> Result<CambiRun> {
        let opts = crate::features::cambi::DEF.parse_options(options)?;
        if opts.bool("full_ref") {
            return Err(Error::invalid(
                "cambi full_ref=true needs a reference; score two inputs instead",
            ));
        }
        Ok(CambiRun {
            options: options.clone(),
            scorer: None,
            geometry: None,
            collector: Collector::new(),
            frames: 0,
        })
    }

    /// Scores the next picture; every picture must share the first one's geometry.
    pub fn push(&mut self, picture: &PictureView<'_>) -> Result<f64> {
        let g = picture.geometry();
        match self.geometry {
            None => {
                self.scorer = Some(CambiScorer::with_dict(&self.options, g)?);
                self.geometry = Some(g);
            }
            Some(g0) if g0 != g => {
                return Err(Error::Mismatch(format!(
                    "frame {} is {}x{} {} {}-bit, earlier frames were {}x{} {} {}-bit",
                    self.frames,
                    g.width,
                    g.height,
                    g.format.as_str(),
                    g.bit_depth,
                    g0.width,
                    g0.height,
                    g0.format.as_str(),
                    g0.bit_depth
                )))
            }
            Some(_) => {}
        }
        let scorer = self
            .scorer
            .as_mut()
            .expect("created with the first picture");
        let v = scorer.score_at(picture, self.frames)?;
        let name = scorer.feature_name().to_string();
        self.collector.append(&name, self.frames, v)?;
        self.frames += 1;
        Ok(v)
    }

    /// Frames scored so far.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// The per-frame and pooled scores. Fails when no picture was pushed.
    pub fn finish(self) -> Result<Report> {
        let g = self
            .geometry
            .ok_or_else(|| Error::invalid("no frames were scored"))?;
        Ok(Report::from_parts(self.collector, self.frames, 1, g))
    }
}

/// Scores CAMBI on every picture of `pictures` (no reference) with libvmaf's options.
///
/// ```no_run
/// # fn demo(frames: &[rvmaf::Picture]) -> rvmaf::Result<()> {
/// use rvmaf::{FeatureDict, PoolMethod};
/// let report = rvmaf::cambi(frames.iter().map(|p| p.view()), &FeatureDict::new())?;
/// println!("mean CAMBI {:.3}", report.pool("cambi", PoolMethod::Mean).unwrap());
/// # Ok(()) }
/// ```
pub fn cambi<'a, I>(pictures: I, options: &FeatureDict) -> Result<Report>
where
    I: IntoIterator<Item = PictureView<'a>>,
{
    let mut run = CambiRun::new(options)?;
    for p in pictures {
        run.push(&p)?;
    }
    run.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{Picture, PixelFormat};

    #[test]
    fn refuses_full_ref_and_empty_streams() {
        let mut d = FeatureDict::new();
        d.set("full_ref", "true");
        assert!(CambiRun::new(&d).is_err());
        assert!(cambi(std::iter::empty(), &FeatureDict::new()).is_err());
        let g = Geometry {
            format: PixelFormat::Yuv420,
            bit_depth: 8,
            width: 64,
            height: 64,
        };
        let p = Picture::new(g).unwrap();
        // libvmaf refuses frames under 216 px both ways.
        assert!(cambi([p.view()], &FeatureDict::new()).is_err());
    }
}
