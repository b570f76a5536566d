//! SpEED: `speed_chroma` and `speed_temporal` (libvmaf `speed.c`, with the Gaussian filters,
//! decimation and scalers of `vif_tools.c`), ported from the scalar C path.
//!
//! Both extractors run the same SpEED core (`core.rs`): a plane is converted to f32 minus 128
//! (high bit depths divided down to the 8-bit range first), optionally resampled by
//! `speed_prescale`, blurred and decimated by 16, made zero-mean locally, cut into 5×5 blocks
//! whose 25×25 covariance gives eigenvalues and per-block variances, and scored by the
//! entropy-weighted difference between reference and distorted.
//!
//! * `speed_chroma` scores the U and V planes independently and writes u, v and uv.
//! * `speed_temporal` (temporal: one instance, frames in order) scores the frame differences
//!   `Y[n-1] - Y[n]` of reference and distorted; frame 0 writes 0.
//!
//! Deliberate differences from libvmaf, all where libvmaf has no defined result:
//! * An unsupported `speed_kernelscale` or `speed_prescale_method`, and planes too small for
//!   one 5×5 block after decimation, are errors from `create` (libvmaf logs and then crashes).
//! * 4:0:0 input: libvmaf's `speed_chroma` refuses it; rvmaf scores neutral chroma
//!   (`128 << (bpc - 8)`) of 4:2:0 size, which is what libvmaf computes for a mono clip read
//!   as 4:2:0 (every score 0, every covariance singular).
//! * Bit depths other than 8/10/12/16: libvmaf reads the 16-bit samples as bytes; rvmaf divides
//!   by `2^(bpc-8)` like it does for 10, 12 and 16 bits.
//! * Odd sizes keep the `ceil` chroma planes of our pictures (libvmaf's hold `floor`).
//! * `speed_temporal` with `speed_prescale` > 1: libvmaf's frame buffers are too small (heap
//!   overflow); rvmaf sizes them correctly.
//! * A `speed_prescale` within 1e-3 of 1 that still changes the plane size (large planes):
//!   libvmaf skips the resampling but uses the new size (reading unset samples); rvmaf
//!   resamples. Whenever the size does not change both copy the plane, so results agree
//!   wherever libvmaf's are defined.
//!
//! Singular covariance matrices (flat planes, e.g. grey chroma) are not an error: libvmaf logs
//! "est_params: covariance matrix is singular" and carries on with defined numbers, and so do
//! we. Instead of logging, each extractor counts these events in a [`SpeedWarnings`] that the
//! caller can read ([`SpeedChroma::warnings`], [`SpeedTemporal::warnings`]); counts are per
//! instance (an engine running several `speed_chroma` instances sums them).

#[cfg(target_arch = "x86_64")]
mod avx2;
mod core;
mod filter;
mod linalg;
mod scale;
mod source;

use std::sync::Arc;

pub use self::scale::ScaleMethod;

use self::core::{Dims, ScoreOutcome, SpeedCore, SpeedParams};
use self::source::Source;
use crate::cpu::{cpu_level, CpuLevel};
use crate::error::{Error, Result};
use crate::features::{output_names, Diagnostic, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PictureView, PixelFormat, Plane, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

const OPT_KERNELSCALE: OptSpec = OptSpec {
    name: "speed_kernelscale",
    alias: Some("ks"),
    kind: OptKind::Double {
        default: 1.0,
        min: 0.1,
        max: 4.0,
    },
    param: true,
    help: "scaling factor of the Gaussian kernels (2.0 doubles the standard deviation and \
           enlarges the kernel accordingly); one of 21 supported values",
};
const OPT_PRESCALE: OptSpec = OptSpec {
    name: "speed_prescale",
    alias: Some("ps"),
    kind: OptKind::Double {
        default: 1.0,
        min: 0.1,
        max: 4.0,
    },
    param: true,
    help: "scaling factor applied to the plane first (2.0 doubles each dimension)",
};
const OPT_PRESCALE_METHOD: OptSpec = OptSpec {
    name: "speed_prescale_method",
    alias: Some("psm"),
    kind: OptKind::Str { default: "nearest" },
    param: true,
    help: "resampling method of the prescale: nearest, bilinear, bicubic or lanczos4",
};
const OPT_SIGMA_NN: OptSpec = OptSpec {
    name: "speed_sigma_nn",
    alias: Some("snn"),
    kind: OptKind::Double {
        default: 0.29,
        min: 0.1,
        max: 2.0,
    },
    param: true,
    help: "standard deviation of the neural noise",
};
const OPT_NN_FLOOR: OptSpec = OptSpec {
    name: "speed_nn_floor",
    alias: Some("nnf"),
    kind: OptKind::Double {
        default: 0.0,
        min: 0.0,
        max: 1.0,
    },
    param: true,
    help: "neural noise floor, as a fraction of sigma_nn",
};
const OPT_MAX_VAL: OptSpec = OptSpec {
    name: "speed_max_val",
    alias: Some("mxv"),
    kind: OptKind::Double {
        default: 1000.0,
        min: 0.0,
        max: 1000.0,
    },
    param: true,
    help: "maximum value; larger scores are clipped to it (speed_chroma only: \
           speed_temporal accepts it but, like libvmaf, does not apply it)",
};

/// Options of `speed_chroma` (libvmaf `options_chroma`, speed.c).
const CHROMA_OPTIONS: &[OptSpec] = &[
    OPT_KERNELSCALE,
    OPT_PRESCALE,
    OPT_PRESCALE_METHOD,
    OPT_SIGMA_NN,
    OPT_NN_FLOOR,
    OPT_MAX_VAL,
    OptSpec {
        name: "speed_weight_var_mode",
        alias: Some("wvm"),
        kind: OptKind::Int {
            default: 0,
            min: 0,
            max: 6,
        },
        param: true,
        help: "variance weighting of the entropies (0..=6)",
    },
];

/// Options of `speed_temporal` (libvmaf `options`, speed.c).
const TEMPORAL_OPTIONS: &[OptSpec] = &[
    OPT_KERNELSCALE,
    OPT_PRESCALE,
    OPT_PRESCALE_METHOD,
    OPT_SIGMA_NN,
    OPT_NN_FLOOR,
    OPT_MAX_VAL,
    OptSpec {
        name: "speed_use_ref_diff",
        alias: Some("urd"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "score the distorted difference against the reference frame (Y_dis[n-1] - Y_ref[n])",
    },
];

/// Extractor `speed_chroma`: SpEED on the U and V planes.
pub static SPEED_CHROMA: ExtractorDef = ExtractorDef {
    name: "speed_chroma",
    provided: &[
        "Speed_chroma_feature_speed_chroma_u_score",
        "Speed_chroma_feature_speed_chroma_v_score",
        "Speed_chroma_feature_speed_chroma_uv_score",
    ],
    options: CHROMA_OPTIONS,
    temporal: false,
    prev_ref: false,
    create: |o, g| Ok(Box::new(SpeedChroma::new(o, g)?)),
};

/// Extractor `speed_temporal`: SpEED on luma frame differences.
pub static SPEED_TEMPORAL: ExtractorDef = ExtractorDef {
    name: "speed_temporal",
    provided: &["Speed_temporal_feature_speed_temporal_score"],
    options: TEMPORAL_OPTIONS,
    temporal: true,
    prev_ref: false,
    create: |o, g| Ok(Box::new(SpeedTemporal::new(o, g)?)),
};

/// Numerical events libvmaf reports as log warnings, counted instead of printed.
///
/// None of them is an error: the scores written alongside are the numbers libvmaf writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpeedWarnings {
    /// Number of singular covariance matrices (libvmaf logs "est_params: covariance matrix is
    /// singular" once for each; up to 2 per scored plane pair: reference and distorted).
    pub singular_covariance: u64,
    /// Frames with at least one singular covariance matrix.
    pub frames_with_singular: u64,
    /// Index of the first such frame.
    pub first_singular_frame: Option<usize>,
    /// Eigenvalue iterations that reached their 500-step cap (libvmaf logs
    /// "compute_eigenvalues_tridiagonal: max iterations reached").
    pub eigen_iteration_cap: u64,
}

impl SpeedWarnings {
    /// The warnings as engine diagnostics of extractor `extractor`.
    pub fn diagnostics(&self, extractor: &'static str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.singular_covariance > 0 {
            out.push(Diagnostic {
                extractor,
                message: "covariance matrix is singular; the score is 0, as in libvmaf",
                count: self.singular_covariance,
                frames: self.frames_with_singular,
                first_frame: self.first_singular_frame,
            });
        }
        if self.eigen_iteration_cap > 0 {
            out.push(Diagnostic {
                extractor,
                message: "eigenvalue iterations reached their cap of 500",
                count: self.eigen_iteration_cap,
                frames: 0,
                first_frame: None,
            });
        }
        out
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        *self == SpeedWarnings::default()
    }

    fn record(&mut self, index: usize, outcomes: &[ScoreOutcome]) {
        let mut singular = 0;
        for o in outcomes {
            for s in [o.reference, o.distorted] {
                singular += s.singular as u64;
                self.eigen_iteration_cap += s.not_converged as u64;
            }
        }
        if singular > 0 {
            self.singular_covariance += singular;
            self.frames_with_singular += 1;
            self.first_singular_frame.get_or_insert(index);
        }
    }
}

impl std::fmt::Display for SpeedWarnings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return write!(f, "no warnings");
        }
        let mut parts = Vec::new();
        if self.singular_covariance > 0 {
            parts.push(format!(
                "covariance matrix singular {} time(s) in {} frame(s), first at frame {}",
                self.singular_covariance,
                self.frames_with_singular,
                self.first_singular_frame.unwrap_or(0)
            ));
        }
        if self.eigen_iteration_cap > 0 {
            parts.push(format!(
                "eigenvalue iteration cap reached {} time(s)",
                self.eigen_iteration_cap
            ));
        }
        write!(f, "{}", parts.join("; "))
    }
}

/// Validates the options shared by both extractors and builds the SpEED core for a
/// `width`×`height` plane (`what` names the plane in errors).
fn build_core(
    extractor: &str,
    options: &Options,
    weight_var_mode: i32,
    width: usize,
    height: usize,
    what: &str,
    level: CpuLevel,
) -> Result<SpeedCore> {
    let ks = options.double("speed_kernelscale");
    if !filter::validate_kernelscale(ks as f32) {
        return Err(Error::FeatureOption {
            extractor: extractor.to_string(),
            message: format!(
                "speed_kernelscale {} is not supported; use one of {}",
                crate::options::format_g(ks),
                filter::kernelscale_list()
            ),
        });
    }
    let method_name = options.string("speed_prescale_method");
    let method = ScaleMethod::parse(method_name).ok_or_else(|| Error::FeatureOption {
        extractor: extractor.to_string(),
        message: format!(
            "speed_prescale_method \"{method_name}\" is not supported; use nearest, bilinear, \
             bicubic or lanczos4"
        ),
    })?;
    let prescale = options.double("speed_prescale");
    let dims = Dims::new(width, height, prescale).ok_or_else(|| {
        let (ow, oh) = core::operating_size(width, height, prescale);
        Error::extraction(
            extractor,
            format!(
                "image too small for SpEED: the {what} plane of {width}x{height} (prescale {}) \
                 decimates to {ow}x{oh}, and at least 5x5 is needed (plane sides of 80 after \
                 the prescale)",
                crate::options::format_g(prescale)
            ),
        )
    })?;
    let params = SpeedParams {
        kernelscale: ks as f32,
        method,
        sigma_nn: options.double("speed_sigma_nn") as f32,
        nn_floor: options.double("speed_nn_floor") as f32,
        weight_var_mode,
    };
    Ok(SpeedCore::new(dims, params, level))
}

/// libvmaf's `picture_copy` with offset -128: `sample / 2^(bpc-8) - 128` in f32 (8-bit:
/// `sample - 128`), into `dst` with rows `dst_stride` apart.
fn load_plane(plane: PlaneRef<'_>, bit_depth: u32, dst: &mut [f32], dst_stride: usize) {
    const OFFSET: f32 = -128.0;
    match plane {
        PlaneRef::U8(p) => {
            for (y, row) in p.rows().enumerate() {
                for (d, &v) in dst[y * dst_stride..].iter_mut().zip(row) {
                    *d = v as f32 + OFFSET;
                }
            }
        }
        PlaneRef::U16(p) => {
            let scaler = (1u32 << (bit_depth.max(8) - 8)) as f32;
            for (y, row) in p.rows().enumerate() {
                for (d, &v) in dst[y * dst_stride..].iter_mut().zip(row) {
                    *d = v as f32 / scaler + OFFSET;
                }
            }
        }
    }
}

/// `scaler` of [`load_plane`] for `bit_depth`.
fn plane_scaler(bit_depth: u32) -> f32 {
    (1u32 << (bit_depth.max(8) - 8)) as f32
}

/// A picture plane as a [`Source`] (the samples [`load_plane`] would store).
fn picture_source(plane: PlaneRef<'_>, bit_depth: u32) -> Source<'_> {
    match plane {
        PlaneRef::U8(p) => Source::U8(p),
        PlaneRef::U16(p) => Source::U16(p, plane_scaler(bit_depth)),
    }
}

/// A luma plane kept from the previous frame (only the rows the filter reads are copied).
#[derive(Debug, Clone)]
enum Kept {
    U8(Vec<u8>),
    U16(Vec<u16>),
}

impl Kept {
    fn new(g: Geometry) -> Kept {
        let n = g.width * g.height;
        if g.bit_depth > 8 {
            Kept::U16(vec![0; n])
        } else {
            Kept::U8(vec![0; n])
        }
    }

    /// Copies the rows of `src` marked in `rows`.
    fn keep(&mut self, src: PlaneRef<'_>, rows: &[bool]) {
        match (self, src) {
            (Kept::U8(d), PlaneRef::U8(p)) => {
                let w = p.width();
                for (r, _) in rows.iter().enumerate().filter(|(_, &k)| k) {
                    d[r * w..(r + 1) * w].copy_from_slice(p.row(r));
                }
            }
            (Kept::U16(d), PlaneRef::U16(p)) => {
                let w = p.width();
                for (r, _) in rows.iter().enumerate().filter(|(_, &k)| k) {
                    d[r * w..(r + 1) * w].copy_from_slice(p.row(r));
                }
            }
            _ => unreachable!("geometry is checked before"),
        }
    }
}

/// `conv(a) - conv(b)` of a kept plane and a picture plane.
fn diff_source<'a>(a: &'a Kept, b: PlaneRef<'a>, g: Geometry) -> Source<'a> {
    let (w, h) = (g.width, g.height);
    match (a, b) {
        (Kept::U8(a), PlaneRef::U8(b)) => {
            Source::DiffU8(Plane::new(a, w, h, w).expect("kept plane"), b)
        }
        (Kept::U16(a), PlaneRef::U16(b)) => Source::DiffU16(
            Plane::new(a, w, h, w).expect("kept plane"),
            b,
            plane_scaler(g.bit_depth),
        ),
        _ => unreachable!("geometry is checked before"),
    }
}

/// Checks that a picture has the geometry the extractor was created for.
fn check_geometry(
    extractor: &str,
    expected: Geometry,
    pic: &PictureView<'_>,
    what: &str,
) -> Result<()> {
    if pic.geometry() != expected {
        let g = pic.geometry();
        return Err(Error::Mismatch(format!(
            "{extractor}: {what} picture is {}x{} {} {}-bit, the extractor was created for \
             {}x{} {} {}-bit",
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

/// The `speed_chroma` extractor (concrete type; [`SPEED_CHROMA`] creates it boxed).
pub struct SpeedChroma {
    geometry: Geometry,
    names: Vec<Arc<str>>,
    max_val: f64,
    core: SpeedCore,
    width: usize,
    /// 4:0:0 input: both planes stay neutral (all 0 after the offset).
    neutral: bool,
    reference: Vec<f32>,
    distorted: Vec<f32>,
    warnings: SpeedWarnings,
}

impl SpeedChroma {
    /// Validates `options` for pictures of `geometry` and allocates every buffer.
    pub fn new(options: &Options, geometry: Geometry) -> Result<Self> {
        Self::new_at(options, geometry, cpu_level())
    }

    /// As [`Self::new`], with kernels of `level` (clamped to what the CPU runs).
    pub fn new_at(options: &Options, geometry: Geometry, level: CpuLevel) -> Result<Self> {
        let name = SPEED_CHROMA.name;
        let neutral = geometry.format == PixelFormat::Yuv400;
        let (w, h) = if neutral {
            PixelFormat::Yuv420.plane_size(1, geometry.width, geometry.height)
        } else {
            geometry.plane_size(1)
        };
        let core = build_core(
            name,
            options,
            options.int("speed_weight_var_mode"),
            w,
            h,
            "chroma",
            level,
        )?;
        Ok(SpeedChroma {
            geometry,
            names: output_names(&SPEED_CHROMA, options),
            max_val: options.double("speed_max_val"),
            core,
            width: w,
            neutral,
            reference: vec![0.0; w * h],
            distorted: vec![0.0; w * h],
            warnings: SpeedWarnings::default(),
        })
    }

    /// Warnings recorded so far (libvmaf would have logged them).
    pub fn warnings(&self) -> SpeedWarnings {
        self.warnings
    }

    fn channel(&mut self, input: &FrameInput<'_>, plane: usize) -> ScoreOutcome {
        if !self.neutral && self.core.reads_pictures() {
            let bpc = self.geometry.bit_depth;
            let r = picture_source(input.reference.plane(plane), bpc);
            let d = picture_source(input.distorted.plane(plane), bpc);
            return self.core.score_sources(&r, &d);
        }
        if !self.neutral {
            let bpc = self.geometry.bit_depth;
            load_plane(
                input.reference.plane(plane),
                bpc,
                &mut self.reference,
                self.width,
            );
            load_plane(
                input.distorted.plane(plane),
                bpc,
                &mut self.distorted,
                self.width,
            );
        }
        self.core
            .score(&self.reference, &self.distorted, self.width)
    }
}

impl std::fmt::Debug for SpeedChroma {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpeedChroma")
            .field("geometry", &self.geometry)
            .field("names", &self.names)
            .field("max_val", &self.max_val)
            .field("dims", self.core.dims())
            .field("neutral", &self.neutral)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Extractor for SpeedChroma {
    fn diagnostics(&self) -> Vec<Diagnostic> {
        self.warnings.diagnostics(SPEED_CHROMA.name)
    }

    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        check_geometry(
            SPEED_CHROMA.name,
            self.geometry,
            &input.reference,
            "reference",
        )?;
        check_geometry(
            SPEED_CHROMA.name,
            self.geometry,
            &input.distorted,
            "distorted",
        )?;
        let u = self.channel(input, 1);
        let v = self.channel(input, 2);
        self.warnings.record(input.index, &[u, v]);
        // a channel whose covariance was singular on either side is imputed from the other
        let uv = match (u.failed(), v.failed()) {
            (true, false) => v.score,
            (false, true) => u.score,
            _ => ((u.score + v.score) as f64 / 2.0) as f32,
        };
        let max = self.max_val;
        let clip = |s: f32| if (s as f64) < max { s as f64 } else { max };
        out.push(&self.names[0], clip(u.score));
        out.push(&self.names[1], clip(v.score));
        out.push(&self.names[2], clip(uv));
        Ok(())
    }
}

/// The `speed_temporal` extractor (concrete type; [`SPEED_TEMPORAL`] creates it boxed).
pub struct SpeedTemporal {
    geometry: Geometry,
    name: Arc<str>,
    core: SpeedCore,
    use_ref_diff: bool,
    /// Luma of the current and previous frame, f32 minus 128; `slot` holds the newest.
    reference: [Vec<f32>; 2],
    distorted: [Vec<f32>; 2],
    slot: usize,
    have_previous: bool,
    warnings: SpeedWarnings,
    /// With [`SpeedCore::reads_pictures`]: the previous reference and distorted luma (the
    /// rows the filter reads) and which rows those are.
    kept: Option<([Kept; 2], Vec<bool>)>,
}

impl SpeedTemporal {
    /// Validates `options` for pictures of `geometry` and allocates every buffer.
    pub fn new(options: &Options, geometry: Geometry) -> Result<Self> {
        Self::new_at(options, geometry, cpu_level())
    }

    /// As [`Self::new`], with kernels of `level` (clamped to what the CPU runs).
    pub fn new_at(options: &Options, geometry: Geometry, level: CpuLevel) -> Result<Self> {
        let (w, h) = geometry.plane_size(0);
        // libvmaf leaves speed_weight_var_mode at 0 for speed_temporal
        let core = build_core(SPEED_TEMPORAL.name, options, 0, w, h, "luma", level)?;
        let kept = core
            .reads_pictures()
            .then(|| ([Kept::new(geometry), Kept::new(geometry)], core.rows_read()));
        // the f32 frames of the scalar path are not needed when the pictures are read
        let n = if kept.is_some() { 0 } else { w * h };
        let buf = || vec![0.0f32; n];
        Ok(SpeedTemporal {
            kept,
            geometry,
            name: output_names(&SPEED_TEMPORAL, options)
                .pop()
                .expect("one provided feature"),
            core,
            use_ref_diff: options.bool("speed_use_ref_diff"),
            reference: [buf(), buf()],
            distorted: [buf(), buf()],
            slot: 0,
            have_previous: false,
            warnings: SpeedWarnings::default(),
        })
    }

    /// Warnings recorded so far (libvmaf would have logged them).
    pub fn warnings(&self) -> SpeedWarnings {
        self.warnings
    }
}

impl std::fmt::Debug for SpeedTemporal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpeedTemporal")
            .field("geometry", &self.geometry)
            .field("name", &self.name)
            .field("dims", self.core.dims())
            .field("use_ref_diff", &self.use_ref_diff)
            .field("warnings", &self.warnings)
            .finish_non_exhaustive()
    }
}

impl Extractor for SpeedTemporal {
    fn diagnostics(&self) -> Vec<Diagnostic> {
        self.warnings.diagnostics(SPEED_TEMPORAL.name)
    }

    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        check_geometry(
            SPEED_TEMPORAL.name,
            self.geometry,
            &input.reference,
            "reference",
        )?;
        check_geometry(
            SPEED_TEMPORAL.name,
            self.geometry,
            &input.distorted,
            "distorted",
        )?;
        if let Some(([kr, kd], rows)) = &mut self.kept {
            let first = input.index == 0 || !self.have_previous;
            self.have_previous = true;
            let (r, d) = (input.reference.luma(), input.distorted.luma());
            if first {
                out.push(&self.name, 0.0);
            } else {
                let g = self.geometry;
                let rs = diff_source(kr, r, g);
                let ds = if self.use_ref_diff {
                    diff_source(kd, r, g)
                } else {
                    diff_source(kd, d, g)
                };
                let outcome = self.core.score_sources(&rs, &ds);
                self.warnings.record(input.index, &[outcome]);
                out.push(&self.name, outcome.score as f64);
            }
            kr.keep(r, rows);
            kd.keep(d, rows);
            return Ok(());
        }
        let w = self.geometry.width;
        let bpc = self.geometry.bit_depth;
        let cur = self.slot ^ 1;
        load_plane(input.reference.luma(), bpc, &mut self.reference[cur], w);
        load_plane(input.distorted.luma(), bpc, &mut self.distorted[cur], w);
        self.slot = cur;
        let first = input.index == 0 || !self.have_previous;
        self.have_previous = true;
        if first {
            out.push(&self.name, 0.0);
            return Ok(());
        }
        // previous -= current, in place (the previous frames are not needed afterwards)
        let prev = cur ^ 1;
        let [r0, r1] = &mut self.reference;
        let (ref_prev, ref_cur) = if prev == 0 { (r0, &*r1) } else { (r1, &*r0) };
        for (p, &c) in ref_prev.iter_mut().zip(ref_cur.iter()) {
            *p -= c;
        }
        let [d0, d1] = &mut self.distorted;
        let (dis_prev, dis_cur) = if prev == 0 { (d0, &*d1) } else { (d1, &*d0) };
        let subtrahend = if self.use_ref_diff { ref_cur } else { dis_cur };
        for (p, &c) in dis_prev.iter_mut().zip(subtrahend.iter()) {
            *p -= c;
        }
        let outcome = self.core.score(ref_prev, dis_prev, w);
        self.warnings.record(input.index, &[outcome]);
        // libvmaf does not apply speed_max_val here
        out.push(&self.name, outcome.score as f64);
        Ok(())
    }
}
