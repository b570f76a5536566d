//! Integer motion (libvmaf `integer_motion.c`, the pipelined "v2" extractor with the
//! PREV_REF flag).
//!
//! Per frame: the SAD of the Gaussian-blurred difference between the previous reference
//! luma (n-1, or n-2 with the five-frame window) and the current reference luma, written as
//! `VMAF_integer_feature_motion_sad_score` (and `..._motion_score` with `debug`). At flush,
//! motion2 and motion3 are derived from that series, read back from the collector, and
//! appended for every frame. The distorted picture is not used.

use std::sync::Arc;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PictureView, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

#[cfg(target_arch = "x86_64")]
pub mod avx2;
pub mod kernels;
pub mod scalar;

use crate::cpu::{cpu_level, CpuLevel};
use kernels::SadKernel;
use scalar::PostParams;

const NAME: &str = "motion";

/// libvmaf's option table of `motion` (integer_motion.c, `options[]`).
pub static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "motion_force_zero",
        alias: Some("force_0"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "forcing motion score to zero",
    },
    OptSpec {
        name: "motion_blend_factor",
        alias: Some("mbf"),
        kind: OptKind::Double {
            default: 1.0,
            min: 0.0,
            max: 1.0,
        },
        param: true,
        help: "blend motion score given an offset",
    },
    OptSpec {
        name: "motion_blend_offset",
        alias: Some("mbo"),
        kind: OptKind::Double {
            default: 40.0,
            min: 0.0,
            max: 1000.0,
        },
        param: true,
        help: "blend motion score starting from this offset",
    },
    OptSpec {
        name: "motion_fps_weight",
        alias: Some("mfw"),
        kind: OptKind::Double {
            default: 1.0,
            min: 0.0,
            max: 5.0,
        },
        param: true,
        help: "fps-aware multiplicative weight/correction",
    },
    OptSpec {
        name: "motion_max_val",
        alias: Some("mmxv"),
        kind: OptKind::Double {
            default: 10000.0,
            min: 0.0,
            max: 10000.0,
        },
        param: true,
        help: "maximum value allowed; larger values will be clipped to this value",
    },
    OptSpec {
        name: "motion_five_frame_window",
        alias: Some("mffw"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "use five-frame temporal window",
    },
    OptSpec {
        name: "motion_moving_average",
        alias: Some("mma"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "use moving average for motion scores after first frame",
    },
    OptSpec {
        name: "debug",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "debug mode: enable additional output",
    },
];

/// Extractor `motion`: integer motion SAD per frame, motion2/motion3 at flush.
pub static DEF: ExtractorDef = ExtractorDef {
    name: NAME,
    provided: &[
        "VMAF_integer_feature_motion_sad_score",
        "VMAF_integer_feature_motion_score",
        "VMAF_integer_feature_motion2_score",
        "VMAF_integer_feature_motion3_score",
    ],
    options: OPTIONS,
    temporal: false,
    prev_ref: true,
    create,
};

/// Smallest plane side the 5-tap reflect-101 blur can mirror within (libvmaf reads out of
/// bounds below this; we refuse instead).
pub const MIN_SIDE: usize = 3;

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    create_at(options, geometry, cpu_level())
}

/// Creates the extractor with kernels of `level` (clamped to what the CPU runs); the
/// registry's `create` uses [`cpu_level`].
pub fn create_at(
    options: &Options,
    geometry: Geometry,
    level: CpuLevel,
) -> Result<Box<dyn Extractor>> {
    if geometry.width < MIN_SIDE || geometry.height < MIN_SIDE {
        return Err(Error::extraction(
            NAME,
            format!(
                "picture {}x{} is too small: motion needs at least {MIN_SIDE}x{MIN_SIDE}",
                geometry.width, geometry.height
            ),
        ));
    }
    let names = output_names(&DEF, options);
    Ok(Box::new(Motion {
        geometry,
        force_zero: options.bool("motion_force_zero"),
        fps_weight: options.double("motion_fps_weight"),
        debug: options.bool("debug"),
        post: PostParams {
            five_frame_window: options.bool("motion_five_frame_window"),
            moving_average: options.bool("motion_moving_average"),
            blend_factor: options.double("motion_blend_factor"),
            blend_offset: options.double("motion_blend_offset"),
            max_val: options.double("motion_max_val"),
        },
        sad_name: names[0].clone(),
        motion_name: names[1].clone(),
        motion2_name: names[2].clone(),
        motion3_name: names[3].clone(),
        kernel: SadKernel::new(level, geometry.width),
    }))
}

/// A `motion` instance: options, output names and the SAD kernel with its scratch.
struct Motion {
    geometry: Geometry,
    force_zero: bool,
    fps_weight: f64,
    debug: bool,
    post: PostParams,
    sad_name: Arc<str>,
    motion_name: Arc<str>,
    motion2_name: Arc<str>,
    motion3_name: Arc<str>,
    kernel: SadKernel,
}

impl Motion {
    fn check(&self, pic: &PictureView<'_>, what: &str) -> Result<()> {
        let g = pic.geometry();
        if g.width != self.geometry.width
            || g.height != self.geometry.height
            || g.bit_depth != self.geometry.bit_depth
        {
            return Err(Error::extraction(
                NAME,
                format!(
                    "{what} is {}x{} at {} bits, expected {}x{} at {} bits",
                    g.width,
                    g.height,
                    g.bit_depth,
                    self.geometry.width,
                    self.geometry.height,
                    self.geometry.bit_depth
                ),
            ));
        }
        Ok(())
    }

    fn sad(&mut self, prev: &PictureView<'_>, cur: &PictureView<'_>) -> Result<u64> {
        let bpc = self.geometry.bit_depth;
        match (prev.luma(), cur.luma()) {
            (PlaneRef::U8(p), PlaneRef::U8(c)) => Ok(self.kernel.sad_u8(&p, &c, bpc)),
            (PlaneRef::U16(p), PlaneRef::U16(c)) => Ok(self.kernel.sad_u16(&p, &c, bpc)),
            _ => Err(Error::extraction(
                NAME,
                "previous and current reference differ in sample type",
            )),
        }
    }
}

impl Extractor for Motion {
    fn reference_only(&self) -> bool {
        true
    }

    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        let mut score = 0.0;
        if !self.force_zero {
            let (min_idx, prev) = if self.post.five_frame_window {
                (2, input.prev_prev_ref)
            } else {
                (1, input.prev_ref)
            };
            if input.index >= min_idx {
                let prev = prev.ok_or_else(|| {
                    Error::extraction(
                        NAME,
                        format!(
                            "frame {}: the reference picture {} frame(s) back is missing",
                            input.index, min_idx
                        ),
                    )
                })?;
                self.check(&input.reference, "reference")?;
                self.check(&prev, "previous reference")?;
                let sad = self.sad(&prev, &input.reference)?;
                score = scalar::sad_score(
                    sad,
                    self.geometry.width,
                    self.geometry.height,
                    self.fps_weight,
                    self.post.max_val,
                );
            }
        }
        out.push(&self.sad_name, score);
        if self.debug {
            out.push(&self.motion_name, score);
        }
        Ok(())
    }

    /// Reads the SAD series back (indices 0.. while present) and appends motion2 and
    /// motion3 for each of those frames, interleaved per frame as libvmaf does.
    fn flush(&mut self, collector: &mut Collector) -> Result<()> {
        let mut sad = Vec::new();
        while let Some(v) = collector.get(&self.sad_name, sad.len()) {
            sad.push(v);
        }
        for (i, (m2, m3)) in scalar::motion2_motion3(&sad, &self.post)
            .into_iter()
            .enumerate()
        {
            collector.append(&self.motion2_name, i, m2)?;
            collector.append(&self.motion3_name, i, m3)?;
        }
        Ok(())
    }
}
