//! Feature extractors: the trait every extractor implements and the registry of them all.
//!
//! Each extractor lives in its own folder with a plain scalar reference kernel (the oracle,
//! ported from libvmaf's C path) and, where it pays, SIMD twins beside it.

use std::sync::Arc;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::frame::{Geometry, PictureView};
use crate::options::{FeatureDict, OptSpec, Options};

pub mod adm;
pub mod cambi;
pub mod ciede;
pub mod float_adm;
pub mod float_motion;
pub mod float_vif;
pub mod motion;
pub mod ms_ssim;
pub mod psnr;
pub mod psnr_hvs;
pub mod speed;
pub mod ssim;
pub mod vif;

/// One frame pair handed to an extractor.
#[derive(Debug, Clone, Copy)]
pub struct FrameInput<'a> {
    /// Frame index (0-based, in push order).
    pub index: usize,
    /// Reference picture.
    pub reference: PictureView<'a>,
    /// Distorted picture.
    pub distorted: PictureView<'a>,
    /// Reference picture of the previous frame (n-1), when the extractor asked for it.
    pub prev_ref: Option<PictureView<'a>>,
    /// Reference picture of frame n-2, when the extractor asked for it.
    pub prev_prev_ref: Option<PictureView<'a>>,
}

/// Scores written by an extractor for one frame, in write order.
#[derive(Debug, Default, Clone)]
pub struct FrameScores {
    entries: Vec<(Arc<str>, f64)>,
    earlier: Vec<(Arc<str>, usize, f64)>,
}

impl FrameScores {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Records `value` under `name`.
    #[inline]
    pub fn push(&mut self, name: &Arc<str>, value: f64) {
        self.entries.push((Arc::clone(name), value));
    }
    /// Records `value` under a name that is not pre-built (allocates).
    pub fn push_str(&mut self, name: &str, value: f64) {
        self.entries.push((Arc::from(name), value));
    }
    /// Records `value` under `name` for an earlier frame `index` (libvmaf's temporal
    /// extractors write some scores one frame late, e.g. float motion2). Only temporal
    /// extractors may do this; the scores are appended after the frame's own entries.
    pub fn push_at(&mut self, name: &Arc<str>, index: usize, value: f64) {
        self.earlier.push((Arc::clone(name), index, value));
    }
    /// Entries for the current frame, in write order.
    pub fn entries(&self) -> &[(Arc<str>, f64)] {
        &self.entries
    }
    /// Entries for earlier frames, in write order.
    pub fn earlier_entries(&self) -> &[(Arc<str>, usize, f64)] {
        &self.earlier
    }
    /// Removes every entry, keeping the allocations.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.earlier.clear();
    }
}

/// A condition an extractor met and scored through, where libvmaf logs a warning (e.g. SpEED's
/// "covariance matrix is singular", after which the score is 0 as in libvmaf).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Extractor name.
    pub extractor: &'static str,
    /// What happened (stable short text; diagnostics with equal extractor and message merge).
    pub message: &'static str,
    /// How many times it happened.
    pub count: u64,
    /// Frames it happened on.
    pub frames: u64,
    /// First frame it happened on.
    pub first_frame: Option<usize>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} ({} time(s)",
            self.extractor, self.message, self.count
        )?;
        if self.frames > 0 {
            write!(f, " in {} frame(s)", self.frames)?;
        }
        if let Some(i) = self.first_frame {
            write!(f, ", first at frame {i}")?;
        }
        write!(f, ")")
    }
}

/// Merges diagnostics of several instances of the same extractors (counts add up).
pub fn merge_diagnostics(all: impl IntoIterator<Item = Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for d in all {
        match out
            .iter_mut()
            .find(|o| o.extractor == d.extractor && o.message == d.message)
        {
            Some(o) => {
                o.count += d.count;
                o.frames += d.frames;
                o.first_frame = match (o.first_frame, d.first_frame) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            None => out.push(d),
        }
    }
    out
}

/// A running feature extractor (libvmaf's `VmafFeatureExtractor` with its private state).
///
/// Instances are created for a fixed [`Geometry`]. Unless the definition is `temporal`, frames
/// may arrive in any order and on any of several instances; temporal extractors get every
/// frame, in order, on one instance.
pub trait Extractor: Send {
    /// Computes the scores of one frame pair.
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()>;
    /// Called once after the last frame; may read earlier scores and write more
    /// (motion2/motion3, aggregates).
    fn flush(&mut self, collector: &mut Collector) -> Result<()> {
        let _ = collector;
        Ok(())
    }
    /// Conditions met so far that libvmaf would log as warnings.
    fn diagnostics(&self) -> Vec<Diagnostic> {
        Vec::new()
    }
    /// True when the scores depend on the reference pictures only (integer motion): with one
    /// reference and several distorted inputs they are computed once and shared.
    fn reference_only(&self) -> bool {
        false
    }
    /// Scores one reference picture against several distorted ones in one call: `outs[k]`
    /// gets exactly what [`Extractor::extract`] of `inputs[k]` would write. The reference
    /// fields of every input are equal, so the reference-side work (filtered planes,
    /// transforms) can be done once, interleaved with the distorted inputs while it is still in
    /// cache. Returns `Ok(false)` having written nothing where the extractor has no such path
    /// (the default); the engine then extracts each input on its own. A group path must not
    /// raise diagnostics, which could not be told apart per input.
    fn extract_group(
        &mut self,
        inputs: &[FrameInput<'_>],
        outs: &mut [FrameScores],
    ) -> Result<bool> {
        let _ = (inputs, outs);
        Ok(false)
    }
}

/// Static description of an extractor kind (name, outputs, options, flags, constructor).
pub struct ExtractorDef {
    /// libvmaf extractor name (`adm`, `vif`, `float_ssim`, ...).
    pub name: &'static str,
    /// Raw names of every feature it can write (libvmaf's `provided_features`).
    pub provided: &'static [&'static str],
    /// Options it accepts.
    pub options: &'static [OptSpec],
    /// Frames must be processed in order on a single instance.
    pub temporal: bool,
    /// Needs the previous reference pictures (n-1, n-2).
    pub prev_ref: bool,
    /// Builds an instance for pictures of `geometry`.
    pub create: fn(&Options, Geometry) -> Result<Box<dyn Extractor>>,
}

impl std::fmt::Debug for ExtractorDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtractorDef")
            .field("name", &self.name)
            .finish()
    }
}

impl ExtractorDef {
    /// Parses `dict` against this extractor's options.
    pub fn parse_options(&'static self, dict: &FeatureDict) -> Result<Options> {
        Options::parse(self.name, self.options, dict)
    }
}

/// Every extractor, in libvmaf's registry order (the order matters for lookups by feature name).
pub fn registry() -> &'static [&'static ExtractorDef] {
    static LIST: &[&ExtractorDef] = &[
        &float_adm::DEF,
        &float_vif::DEF,
        &float_motion::DEF,
        &speed::SPEED_CHROMA,
        &speed::SPEED_TEMPORAL,
        &ms_ssim::DEF,
        &ssim::DEF,
        &ciede::DEF,
        &psnr::DEF,
        &psnr_hvs::DEF,
        &adm::DEF,
        &motion::DEF,
        &vif::DEF,
        &cambi::DEF,
        &NULL_DEF,
    ];
    LIST
}

/// The extractor called `name`.
pub fn by_name(name: &str) -> Result<&'static ExtractorDef> {
    registry()
        .iter()
        .copied()
        .find(|d| d.name == name)
        .ok_or_else(|| Error::UnknownExtractor(name.to_string()))
}

/// The first extractor that provides the raw feature `feature` (how models find extractors).
pub fn by_feature_name(feature: &str) -> Option<&'static ExtractorDef> {
    registry()
        .iter()
        .copied()
        .find(|d| d.provided.contains(&feature))
}

/// Checks that `pic` has the geometry an extractor instance was created for.
pub fn check_geometry(extractor: &str, expected: Geometry, pic: &PictureView<'_>) -> Result<()> {
    let g = pic.geometry();
    if g != expected {
        return Err(Error::Mismatch(format!(
            "{extractor}: picture is {}x{} {} {}-bit, extractor was created for {}x{} {} {}-bit",
            g.width,
            g.height,
            g.format.as_str(),
            g.bit_depth,
            expected.width,
            expected.height,
            expected.format.as_str(),
            expected.bit_depth
        )));
    }
    Ok(())
}

/// Error returned by extractors that are not implemented yet.
pub fn not_implemented(name: &str) -> Error {
    Error::extraction(name, "not implemented yet")
}

/// Output names of an extractor instance: `provided[i]` → its final key under `options`.
pub fn output_names(def: &ExtractorDef, options: &Options) -> Vec<Arc<str>> {
    def.provided
        .iter()
        .map(|p| Arc::from(options.feature_name(p)))
        .collect()
}

/// libvmaf's `null` extractor: computes nothing (useful with `-n` to only read inputs).
pub static NULL_DEF: ExtractorDef = ExtractorDef {
    name: "null",
    provided: &[],
    options: &[],
    temporal: false,
    prev_ref: false,
    create: |_, _| Ok(Box::new(NullExtractor)),
};

struct NullExtractor;
impl Extractor for NullExtractor {
    fn extract(&mut self, _: &FrameInput<'_>, _: &mut FrameScores) -> Result<()> {
        Ok(())
    }
}
