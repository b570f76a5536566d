//! Float motion (libvmaf `float_motion.c`, the TEMPORAL three-buffer scheme feeding the
//! `vmaf_float_*` models).
//!
//! Each reference frame is converted to `f32` (minus 128, high depths scaled to 8-bit range)
//! and blurred; `motion` at frame n is the mean absolute difference between the blurred
//! frames n-1 and n, `motion2` at frame n-1 is the smaller of that and the difference between
//! n-1 and n-2, and `motion3` is motion2 blended and clipped. libvmaf writes motion2/motion3
//! of frame n-1 while extracting frame n (and the last frame's at flush); our per-frame
//! output can only address the current frame, so those values are kept and appended to the
//! collector at flush, in libvmaf's write order.
//!
//! Known departures, where libvmaf has no defined result: depths other than 8/10/12/16 are
//! refused (libvmaf reads their 16-bit samples as bytes), and `motion_add_uv` together with
//! `motion_add_scale1` scales each chroma plane with its own row pitch (libvmaf reads the
//! chroma buffers with a pitch derived from the chroma width while they are laid out with the
//! luma pitch, so it samples misplaced rows and uninitialised padding).

use std::sync::Arc;

use crate::collector::Collector;
use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PictureView, PixelFormat, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

#[cfg(target_arch = "x86_64")]
mod avx2;
pub mod scalar;

const NAME: &str = "float_motion";

/// libvmaf's option table of `float_motion` (float_motion.c, `options[]`).
pub static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "debug",
        alias: None,
        kind: OptKind::Bool { default: true },
        param: false,
        help: "debug mode: enable additional output",
    },
    OptSpec {
        name: "motion_force_zero",
        alias: Some("force_0"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "forcing motion score to zero",
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
        name: "motion_add_scale1",
        alias: Some("mdc"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "add motion score from scale1",
    },
    OptSpec {
        name: "motion_filter_size",
        alias: Some("mfs"),
        kind: OptKind::Int {
            default: 5,
            min: 0,
            max: 9,
        },
        param: true,
        help: "filtering size",
    },
    OptSpec {
        name: "motion_add_uv",
        alias: Some("mau"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "include U and V terms",
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
];

/// Extractor `float_motion`: float motion, motion2 and motion3 (TEMPORAL).
pub static DEF: ExtractorDef = ExtractorDef {
    name: NAME,
    provided: &[
        "VMAF_feature_motion_score",
        "VMAF_feature_motion2_score",
        "VMAF_feature_motion3_score",
    ],
    options: OPTIONS,
    temporal: true,
    prev_ref: false,
    create,
};

/// Per-plane buffers: the converted picture, the convolution scratch and the three blurred
/// frames (ring indexed by frame % 3), plus half-size scratch for `motion_add_scale1`.
struct PlaneBufs {
    w: usize,
    h: usize,
    src: Vec<f32>,
    tmp: Vec<f32>,
    blur: [Vec<f32>; 3],
    s1: Vec<f32>,
    s2: Vec<f32>,
}

impl PlaneBufs {
    fn new(w: usize, h: usize, scale1: bool) -> Self {
        let n = w * h;
        let sn = if scale1 {
            scalar::half_size(w) * scalar::half_size(h)
        } else {
            0
        };
        PlaneBufs {
            w,
            h,
            src: vec![0.0; n],
            tmp: vec![0.0; n],
            blur: [vec![0.0; n], vec![0.0; n], vec![0.0; n]],
            s1: vec![0.0; sn],
            s2: vec![0.0; sn],
        }
    }

    /// Mean absolute difference between the blurred frames in ring slots `a` and `b`.
    fn sad(&mut self, a: usize, b: usize, scale1: bool) -> f32 {
        scalar::image_sad(
            &self.blur[a],
            &self.blur[b],
            self.w,
            self.h,
            scale1,
            &mut self.s1,
            &mut self.s2,
        )
    }
}

/// A `float_motion` instance (TEMPORAL: frames in order on this one instance).
struct FloatMotion {
    geometry: Geometry,
    debug: bool,
    force_zero: bool,
    fps_weight: f64,
    blend_factor: f64,
    blend_offset: f64,
    add_scale1: bool,
    max_val: f64,
    filter: &'static [f32],
    planes: Vec<PlaneBufs>,
    /// The AVX2 blur, where the CPU level allows it.
    #[cfg(target_arch = "x86_64")]
    avx2: Option<avx2::Avx2>,
    /// Index of the last frame extracted, if any.
    last_index: Option<usize>,
    /// Raw motion of the last frame pair (libvmaf's `s->score`).
    score: f64,
    names: [Arc<str>; 3],
}

fn c_min(x: f64, y: f64) -> f64 {
    if x < y {
        x
    } else {
        y
    }
}

/// `motion_blend_tools.h`.
fn motion_blend(x: f64, factor: f64, offset: f64) -> f64 {
    x * factor + (1.0 - factor) * c_min(offset, x)
}

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    let err = |m: String| Err(Error::extraction(NAME, m));
    if !matches!(geometry.bit_depth, 8 | 10 | 12 | 16) {
        // libvmaf's picture_copy only scales 10/12/16 bits and reads other depths as bytes.
        return err(format!(
            "bit depth {} is not supported (8, 10, 12 or 16)",
            geometry.bit_depth
        ));
    }
    let filter: &'static [f32] = match options.int("motion_filter_size") {
        1 => &scalar::FILTER_5_NO_OP,
        3 => &scalar::FILTER_3,
        _ => &scalar::FILTER_5,
    };
    let add_uv = options.bool("motion_add_uv");
    let add_scale1 = options.bool("motion_add_scale1");
    if add_uv && geometry.format == PixelFormat::Yuv400 {
        return err("motion_add_uv needs chroma planes, the input is 4:0:0".into());
    }
    if add_scale1 && scalar::half_size(geometry.width) > scalar::BILINEAR_MAX_WIDTH {
        return err(format!(
            "motion_add_scale1: half width {} exceeds {}",
            scalar::half_size(geometry.width),
            scalar::BILINEAR_MAX_WIDTH
        ));
    }
    let nplanes = if add_uv { 3 } else { 1 };
    let min_side = filter.len() / 2 + 1;
    let mut planes = Vec::with_capacity(nplanes);
    for p in 0..nplanes {
        let (w, h) = geometry.plane_size(p);
        if w < min_side || h < min_side {
            return err(format!(
                "plane {p} of {}x{} is too small: the {}-tap blur needs at least {min_side}x{min_side}",
                w,
                h,
                filter.len()
            ));
        }
        planes.push(PlaneBufs::new(w, h, add_scale1));
    }
    let names = output_names(&DEF, options);
    Ok(Box::new(FloatMotion {
        geometry,
        debug: options.bool("debug"),
        force_zero: options.bool("motion_force_zero"),
        fps_weight: options.double("motion_fps_weight"),
        blend_factor: options.double("motion_blend_factor"),
        blend_offset: options.double("motion_blend_offset"),
        add_scale1,
        max_val: options.double("motion_max_val"),
        filter,
        planes,
        #[cfg(target_arch = "x86_64")]
        avx2: avx2::Avx2::at_level(),
        last_index: None,
        score: 0.0,
        names: [names[0].clone(), names[1].clone(), names[2].clone()],
    }))
}

impl FloatMotion {
    /// Converts and blurs every used plane of `pic` into ring slot `slot`.
    fn load(&mut self, pic: &PictureView<'_>, slot: usize) -> Result<()> {
        let bpc = self.geometry.bit_depth;
        for (p, b) in self.planes.iter_mut().enumerate() {
            match pic.plane(p) {
                PlaneRef::U8(pl) => scalar::picture_copy(&pl, bpc, -128, &mut b.src),
                PlaneRef::U16(pl) => scalar::picture_copy(&pl, bpc, -128, &mut b.src),
            }
            let blur = &mut b.blur[slot];
            #[cfg(target_arch = "x86_64")]
            if let Some(k) = self.avx2 {
                k.convolve(self.filter, &b.src, blur, &mut b.tmp, b.w, b.h);
                continue;
            }
            scalar::convolve(self.filter, &b.src, blur, &mut b.tmp, b.w, b.h);
        }
        Ok(())
    }

    /// Motion between ring slots `a` and `b`: luma plus, with `motion_add_uv`, both chroma
    /// planes (each an `f32` widened to `f64`, summed in `f64`).
    fn motion(&mut self, a: usize, b: usize) -> f64 {
        let scale1 = self.add_scale1;
        let mut score = 0.0f64;
        for (p, pl) in self.planes.iter_mut().enumerate() {
            let s = pl.sad(a, b, scale1) as f64;
            if p == 0 {
                score = s;
            } else {
                score += s;
            }
        }
        score
    }

    fn clip(&self, x: f64) -> f64 {
        c_min(x * self.fps_weight, self.max_val)
    }

    fn blend_clip(&self, x: f64) -> f64 {
        c_min(
            motion_blend(x * self.fps_weight, self.blend_factor, self.blend_offset),
            self.max_val,
        )
    }
}

impl Extractor for FloatMotion {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        let [motion, motion2, motion3] = self.names.clone();
        if self.force_zero {
            out.push(&motion2, 0.0);
            out.push(&motion3, 0.0);
            if self.debug {
                out.push(&motion, 0.0);
            }
            return Ok(());
        }
        let g = input.reference.geometry();
        if g != self.geometry {
            return Err(Error::extraction(
                NAME,
                format!(
                    "reference is {}x{} {} at {} bits, expected {}x{} {} at {} bits",
                    g.width,
                    g.height,
                    g.format.as_str(),
                    g.bit_depth,
                    self.geometry.width,
                    self.geometry.height,
                    self.geometry.format.as_str(),
                    self.geometry.bit_depth
                ),
            ));
        }
        let index = input.index;
        let expected = self.last_index.map_or(0, |i| i + 1);
        if index != expected {
            return Err(Error::extraction(
                NAME,
                format!("frames must arrive in order: got {index}, expected {expected}"),
            ));
        }
        self.last_index = Some(index);
        let cur = index % 3;
        let prev = (index + 2) % 3;
        let prev2 = (index + 1) % 3;
        self.load(&input.reference, cur)?;

        if index == 0 {
            out.push(&motion2, 0.0);
            if self.debug {
                out.push(&motion, 0.0);
            }
            return Ok(());
        }

        let score = self.motion(prev, cur);
        if self.debug {
            out.push(&motion, self.clip(score));
        }
        self.score = score;
        if index == 1 {
            out.push_at(&motion3, 0, self.blend_clip(score));
            return Ok(());
        }
        let score2 = self.motion(prev, prev2);
        let score2 = if score2 < score { score2 } else { score };
        out.push_at(&motion2, index - 1, self.clip(score2));
        out.push_at(&motion3, index - 1, self.blend_clip(score2));
        Ok(())
    }

    /// Appends the last frame's motion2/motion3 (earlier frames got theirs one frame late).
    fn flush(&mut self, collector: &mut Collector) -> Result<()> {
        if self.force_zero {
            return Ok(());
        }
        let Some(last) = self.last_index else {
            return Ok(());
        };
        let [_, motion2, motion3] = &self.names;
        if last > 0 {
            collector.append(motion2, last, self.clip(self.score))?;
            collector.append(motion3, last, self.blend_clip(self.score))?;
        } else {
            collector.append(motion3, 0, 0.0)?;
        }
        Ok(())
    }
}
