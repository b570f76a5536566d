//! Integer VIF (libvmaf extractor `vif`, `integer_vif.c`): visual information fidelity on the
//! luma plane at four scales, in fixed point, bit-exact with libvmaf's scalar C path.
//!
//! Outputs `VMAF_integer_feature_vif_scale{0..3}_score` (printed `integer_vif_scaleN`) and, with
//! `debug=true`, `integer_vif`, `integer_vif_num`, `integer_vif_den` and the per-scale
//! numerators and denominators.
//!
//! The arithmetic lives in two kernels, the per-scale statistic and the decimation between
//! scales. [`scalar`] is the readable oracle, which only tests run; [`fast_scalar`] is the
//! portable `Scalar` level; `avx2` and `avx512` (x86-64; the latter built with Rust ≥ 1.89)
//! compute the same integers with SIMD. [`Kernels`] picks one set per extractor instance from
//! [`cpu_level`] at creation.

#[cfg(target_arch = "x86_64")]
pub mod avx2;
#[cfg(all(target_arch = "x86_64", rvmaf_avx512))]
pub mod avx512;
pub mod fast_scalar;
pub mod scalar;

use std::sync::Arc;

use crate::cpu::{cpu_level, CpuLevel};
use crate::error::{Error, Result};
use crate::features::{
    output_names, Extractor, ExtractorDef, FrameInput, FrameScores, ReferenceState,
};
use crate::frame::{Geometry, Plane, PlaneRef};
use crate::options::{OptKind, OptSpec, Options};

use scalar::{DecimateRows, StatRows, VifAccum};

/// Option table of `vif` (integer_vif.c `options`).
pub static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "debug",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "debug mode: enable additional output",
    },
    OptSpec {
        name: "vif_enhn_gain_limit",
        alias: Some("egl"),
        kind: OptKind::Double {
            default: 100.0,
            min: 1.0,
            max: 100.0,
        },
        param: true,
        help: "enhancement gain imposed on vif, must be >= 1.0, where 1.0 means the gain is \
               completely disabled",
    },
    OptSpec {
        name: "vif_skip_scale0",
        alias: Some("ssclz"),
        kind: OptKind::Bool { default: false },
        param: true,
        help: "when set, skip scale 0 calculations",
    },
];

/// Extractor `vif` (integer VIF).
pub static DEF: ExtractorDef = ExtractorDef {
    name: "vif",
    provided: &[
        "VMAF_integer_feature_vif_scale0_score",
        "VMAF_integer_feature_vif_scale1_score",
        "VMAF_integer_feature_vif_scale2_score",
        "VMAF_integer_feature_vif_scale3_score",
        "integer_vif",
        "integer_vif_num",
        "integer_vif_den",
        "integer_vif_num_scale0",
        "integer_vif_den_scale0",
        "integer_vif_num_scale1",
        "integer_vif_den_scale1",
        "integer_vif_num_scale2",
        "integer_vif_den_scale2",
        "integer_vif_num_scale3",
        "integer_vif_den_scale3",
    ],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create,
};

/// Smallest luma width and height integer VIF accepts.
///
/// Each scale needs its plane to be wider and taller than half its filter (8, 4, 2, 1 samples at
/// scales 0..3 of sizes w, w/2, w/4, w/8) for libvmaf's mirrored padding to be a true
/// reflection; below that libvmaf reads stale or out-of-frame rows (libvmaf-map §3.8). The
/// binding limit is scale 3: w/8 ≥ 2.
pub const MIN_SIZE: usize = 16;

fn create(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    create_at(options, geometry, cpu_level())
}

/// Creates a `vif` extractor whose kernels run at `level` (lowered to what this CPU supports).
///
/// [`DEF`]'s `create` uses [`cpu_level`]; this entry point lets tests and benches pin a level
/// without touching the process-wide setting.
pub fn create_at(
    options: &Options,
    geometry: Geometry,
    level: CpuLevel,
) -> Result<Box<dyn Extractor>> {
    create_with(options, geometry, Kernels::best(level))
}

/// Creates a `vif` extractor running `kernels` (e.g. [`Kernels::oracle`] for tests).
pub fn create_with(
    options: &Options,
    geometry: Geometry,
    kernels: Kernels,
) -> Result<Box<dyn Extractor>> {
    let (w, h) = (geometry.width, geometry.height);
    if w < MIN_SIZE || h < MIN_SIZE {
        return Err(Error::extraction(
            "vif",
            format!(
                "luma plane {w}x{h} is too small: integer VIF needs at least \
                 {MIN_SIZE}x{MIN_SIZE} (every scale must be larger than half its filter)"
            ),
        ));
    }
    if !(8..=16).contains(&geometry.bit_depth) {
        return Err(Error::extraction(
            "vif",
            format!("bit depth {} is not supported", geometry.bit_depth),
        ));
    }
    let scaled = |s: usize| vec![0u16; (w >> s) * (h >> s)];
    Ok(Box::new(IntegerVif {
        names: output_names(&DEF, options),
        debug: options.bool("debug"),
        egl: options.double("vif_enhn_gain_limit"),
        skip_scale0: options.bool("vif_skip_scale0"),
        geometry,
        kernels,
        scaled_ref: [scaled(1), scaled(2), scaled(3)],
        scaled_dis: [scaled(1), scaled(2), scaled(3)],
        scratch: Scratch::new(w),
        prepared: None,
    }))
}

/// A running integer VIF instance with its scratch buffers.
struct IntegerVif {
    names: Vec<Arc<str>>,
    debug: bool,
    egl: f64,
    skip_scale0: bool,
    geometry: Geometry,
    kernels: Kernels,
    /// Decimated planes of scales 1..3 (rows `w >> s` apart).
    scaled_ref: [Vec<u16>; 3],
    scaled_dis: [Vec<u16>; 3],
    scratch: Scratch,
    /// Reference-only results of the current frame when one reference is scored against
    /// several distorted inputs (allocated on the first `prepare_reference`).
    prepared: Option<Box<Prepared>>,
}

/// What [`Extractor::prepare_reference`] keeps for the distorted inputs of one frame.
struct Prepared {
    /// The reference's per-pixel statistic of every scale (scale 0 unused when skipped).
    stats: [RefStats; 4],
    /// The reference's decimated planes of scales 1..3.
    scaled_ref: [Vec<u16>; 3],
    /// Whether `stats` and `scaled_ref` hold the reference of the frame being scored.
    valid: bool,
}

/// Marker returned by `prepare_reference`: the reference results stay in the instance.
struct PreparedReference;

impl IntegerVif {
    /// Numerator/denominator of every scale (scale 0 left at zero when skipped).
    fn compute<T: Sample>(&mut self, r: Plane<'_, T>, d: Plane<'_, T>) -> [(f32, f32); 4] {
        let (w, h) = (self.geometry.width, self.geometry.height);
        let bpc = self.geometry.bit_depth;
        let src = PlanePair::new(r.data(), r.stride(), d.data(), d.stride(), w, h);
        let mut out = [(0.0f32, 0.0f32); 4];
        if !self.skip_scale0 {
            out[0] =
                T::statistic(&self.kernels)(&src, 0, bpc, self.egl, &mut self.scratch).num_den();
        }
        let [r1, ..] = &mut self.scaled_ref;
        let [d1, ..] = &mut self.scaled_dis;
        T::decimate(&self.kernels)(&src, 1, bpc, r1, d1, &mut self.scratch);
        self.upper_scales(&mut out);
        out
    }

    /// The reference-only half of every scale, kept in `self.prepared`.
    fn prepare<T: Sample>(&mut self, r: Plane<'_, T>, sk: &SharedKernels) {
        let (w, h) = (self.geometry.width, self.geometry.height);
        let bpc = self.geometry.bit_depth;
        let skip0 = self.skip_scale0;
        let p = self.prepared.get_or_insert_with(|| {
            let scaled = |s: usize| vec![0u16; (w >> s) * (h >> s)];
            // scale 0, the largest, only when it is computed
            let keep = |s: usize| if s == 0 && skip0 { 0 } else { 1 };
            Box::new(Prepared {
                stats: std::array::from_fn(|s| {
                    RefStats::new((w >> s) * keep(s), (h >> s) * keep(s))
                }),
                scaled_ref: [scaled(1), scaled(2), scaled(3)],
                valid: false,
            })
        });
        let src = PlanePair::new(r.data(), r.stride(), r.data(), r.stride(), w, h);
        if !self.skip_scale0 {
            T::stat_ref(sk)(&src, 0, bpc, &mut p.stats[0], &mut self.scratch);
        }
        T::decimate_one(sk)(&src, 1, bpc, &mut p.scaled_ref[0], &mut self.scratch);
        for scale in 1..4 {
            let (w, h) = (w >> scale, h >> scale);
            let (lo, hi) = p.scaled_ref.split_at_mut(scale);
            let plane = &lo[scale - 1];
            let src = PlanePair::new(plane, w, plane, w, w, h);
            (sk.stat_ref_u16)(&src, scale, bpc, &mut p.stats[scale], &mut self.scratch);
            if scale < 3 {
                (sk.decimate_one_u16)(&src, scale + 1, bpc, &mut hi[0], &mut self.scratch);
            }
        }
        p.valid = true;
    }

    /// Numerator/denominator of every scale from the prepared reference and `d`.
    fn compute_prepared<T: Sample>(
        &mut self,
        r: Plane<'_, T>,
        d: Plane<'_, T>,
        sk: &SharedKernels,
    ) -> [(f32, f32); 4] {
        let (w, h) = (self.geometry.width, self.geometry.height);
        let bpc = self.geometry.bit_depth;
        let p = self.prepared.as_deref().expect("prepared reference");
        let with_den = |num: VifAccum, st: &RefStats| {
            VifAccum {
                den_log: st.den.den_log,
                den_non_log: st.den.den_non_log,
                ..num
            }
            .num_den()
        };
        let src = PlanePair::new(r.data(), r.stride(), d.data(), d.stride(), w, h);
        let mut out = [(0.0f32, 0.0f32); 4];
        if !self.skip_scale0 {
            let num = T::stat_dis(sk)(&src, 0, bpc, self.egl, &p.stats[0], &mut self.scratch);
            out[0] = with_den(num, &p.stats[0]);
        }
        T::decimate_one(sk)(&src, 1, bpc, &mut self.scaled_dis[0], &mut self.scratch);
        for scale in 1..4 {
            let (w, h) = (w >> scale, h >> scale);
            let (lo_d, hi_d) = self.scaled_dis.split_at_mut(scale);
            let src = PlanePair::new(&p.scaled_ref[scale - 1], w, &lo_d[scale - 1], w, w, h);
            let st = &p.stats[scale];
            let num = (sk.stat_dis_u16)(&src, scale, bpc, self.egl, st, &mut self.scratch);
            out[scale] = with_den(num, st);
            if scale < 3 {
                (sk.decimate_one_u16)(&src, scale + 1, bpc, &mut hi_d[0], &mut self.scratch);
            }
        }
        out
    }

    fn check(&self, rg: Geometry, dg: Geometry) -> Result<()> {
        if rg != self.geometry || dg != self.geometry {
            return Err(Error::extraction(
                "vif",
                format!(
                    "pictures are {}x{} {}-bit / {}x{} {}-bit, the extractor was created for \
                     {}x{} {}-bit",
                    rg.width,
                    rg.height,
                    rg.bit_depth,
                    dg.width,
                    dg.height,
                    dg.bit_depth,
                    self.geometry.width,
                    self.geometry.height,
                    self.geometry.bit_depth
                ),
            ));
        }
        Ok(())
    }

    /// Scales 1..3: statistic on the decimated planes, decimating further in between.
    fn upper_scales(&mut self, out: &mut [(f32, f32); 4]) {
        let bpc = self.geometry.bit_depth;
        for scale in 1..4 {
            let (w, h) = (self.geometry.width >> scale, self.geometry.height >> scale);
            let (lo_r, hi_r) = self.scaled_ref.split_at_mut(scale);
            let (lo_d, hi_d) = self.scaled_dis.split_at_mut(scale);
            let src = PlanePair::new(&lo_r[scale - 1], w, &lo_d[scale - 1], w, w, h);
            out[scale] =
                (self.kernels.statistic_u16)(&src, scale, bpc, self.egl, &mut self.scratch)
                    .num_den();
            if scale < 3 {
                (self.kernels.decimate_u16)(
                    &src,
                    scale + 1,
                    bpc,
                    &mut hi_r[0],
                    &mut hi_d[0],
                    &mut self.scratch,
                );
            }
        }
    }
}

impl Extractor for IntegerVif {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        self.score(input, None, out)
    }

    /// Computes the reference's decimated planes and its share of every scale's statistic
    /// once for several distorted inputs (kernels with a shared path only).
    fn prepare_reference(&mut self, input: &FrameInput<'_>) -> Result<Option<ReferenceState>> {
        let Some(sk) = self.kernels.shared else {
            return Ok(None);
        };
        let rg = input.reference.geometry();
        self.check(rg, rg)?;
        if let Some(p) = self.prepared.as_deref_mut() {
            p.valid = false;
        }
        match input.reference.luma() {
            PlaneRef::U8(r) => self.prepare(r, &sk),
            PlaneRef::U16(r) => self.prepare(r, &sk),
        }
        Ok(Some(Box::new(PreparedReference)))
    }

    fn extract_prepared(
        &mut self,
        input: &FrameInput<'_>,
        state: &ReferenceState,
        out: &mut FrameScores,
    ) -> Result<()> {
        let ready = self.prepared.as_deref().is_some_and(|p| p.valid);
        let Some(sk) = self.kernels.shared.filter(|_| ready) else {
            return self.extract(input, out);
        };
        if !state.is::<PreparedReference>() {
            return self.extract(input, out);
        }
        self.score(input, Some(&sk), out)
    }
}

impl IntegerVif {
    /// Scores one pair: from scratch, or with `shared` against the prepared reference.
    fn score(
        &mut self,
        input: &FrameInput<'_>,
        shared: Option<&SharedKernels>,
        out: &mut FrameScores,
    ) -> Result<()> {
        self.check(input.reference.geometry(), input.distorted.geometry())?;
        let nd = match (input.reference.luma(), input.distorted.luma()) {
            (PlaneRef::U8(r), PlaneRef::U8(d)) => self.compute_any(r, d, shared),
            (PlaneRef::U16(r), PlaneRef::U16(d)) => self.compute_any(r, d, shared),
            _ => {
                return Err(Error::extraction(
                    "vif",
                    "reference and distorted sample types differ",
                ))
            }
        };
        write_scores(&self.names, self.skip_scale0, self.debug, &nd, out);
        Ok(())
    }

    fn compute_any<T: Sample>(
        &mut self,
        r: Plane<'_, T>,
        d: Plane<'_, T>,
        shared: Option<&SharedKernels>,
    ) -> [(f32, f32); 4] {
        match shared {
            Some(sk) => self.compute_prepared(r, d, sk),
            None => self.compute(r, d),
        }
    }
}

/// Writes the scores in libvmaf's order (`write_scores`).
fn write_scores(
    names: &[Arc<str>],
    skip_scale0: bool,
    debug: bool,
    nd: &[(f32, f32); 4],
    out: &mut FrameScores,
) {
    // per-scale ratio is a float division
    for (s, &(num, den)) in nd.iter().enumerate() {
        let v = if s == 0 && skip_scale0 {
            0.0
        } else {
            (num / den) as f64
        };
        out.push(&names[s], v);
    }
    if !debug {
        return;
    }
    let first = if skip_scale0 { 1 } else { 0 };
    let mut score_num = 0.0f64;
    let mut score_den = 0.0f64;
    for &(num, den) in &nd[first..] {
        score_num += num as f64;
        score_den += den as f64;
    }
    let score = if score_den == 0.0 {
        1.0
    } else {
        score_num / score_den
    };
    out.push(&names[4], score);
    out.push(&names[5], score_num);
    out.push(&names[6], score_den);
    for (s, &(num, den)) in nd.iter().enumerate() {
        let (n, d) = if s == 0 && skip_scale0 {
            (0.0, -1.0)
        } else {
            (num as f64, den as f64)
        };
        out.push(&names[7 + 2 * s], n);
        out.push(&names[8 + 2 * s], d);
    }
}

/// A reference/distorted pair of equally sized sample planes, as the kernels read them.
#[derive(Debug, Clone, Copy)]
pub struct PlanePair<'a, T> {
    reference: &'a [T],
    ref_stride: usize,
    distorted: &'a [T],
    dis_stride: usize,
    width: usize,
    height: usize,
}

impl<'a, T> PlanePair<'a, T> {
    /// Wraps two `width`×`height` planes whose rows are `ref_stride`/`dis_stride` samples apart.
    ///
    /// # Panics
    /// If a size is zero, a stride is smaller than `width` or a slice is too short.
    pub fn new(
        reference: &'a [T],
        ref_stride: usize,
        distorted: &'a [T],
        dis_stride: usize,
        width: usize,
        height: usize,
    ) -> Self {
        assert!(width > 0 && height > 0, "empty plane");
        assert!(
            ref_stride >= width && dis_stride >= width,
            "stride below width"
        );
        assert!(
            reference.len() >= (height - 1) * ref_stride + width
                && distorted.len() >= (height - 1) * dis_stride + width,
            "plane slice too short"
        );
        PlanePair {
            reference,
            ref_stride,
            distorted,
            dis_stride,
            width,
            height,
        }
    }

    /// Width in samples.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The rows of the `taps` vertical filter taps centred on row `i` (reflect-101 at the
    /// plane's edges), of the reference into `r[..taps]` and of the distorted into `d[..taps]`.
    #[inline]
    pub fn tap_rows(&self, i: usize, taps: usize, r: &mut [&'a [T]], d: &mut [&'a [T]]) {
        let half = (taps / 2) as isize;
        for k in 0..taps {
            let ii = scalar::mirror(i as isize + k as isize - half, self.height);
            (r[k], d[k]) = self.rows(ii);
        }
    }

    /// Row `y` of the reference and of the distorted plane (`width` samples each).
    #[inline]
    pub fn rows(&self, y: usize) -> (&'a [T], &'a [T]) {
        let r = &self.reference[y * self.ref_stride..y * self.ref_stride + self.width];
        let d = &self.distorted[y * self.dis_stride..y * self.dis_stride + self.width];
        (r, d)
    }
}

/// Scratch buffers of the kernels, sized for planes up to a given width.
#[derive(Debug, Clone)]
pub struct Scratch {
    width: usize,
    stat_rows: StatRows,
    dec_rows: DecimateRows,
    /// Buffers of the portable kernels.
    fast: fast_scalar::FastRows,
    /// SIMD row buffers: 8 rows of [`lane_row_len`] samples.
    lanes: Vec<u16>,
    /// SIMD per-pixel σ values of one row (3 runs of the width rounded up to 32).
    sigma: Vec<i32>,
}

/// Length of one SIMD row buffer for planes `width` samples wide: left padding, the row, and
/// slack for the mirrored right edge and the last block's over-read.
pub fn lane_row_len(width: usize) -> usize {
    (8 + width + 128 + 15) & !15
}

impl Scratch {
    /// Buffers for planes up to `width` samples wide.
    pub fn new(width: usize) -> Self {
        Scratch {
            width,
            stat_rows: StatRows::new(width),
            dec_rows: DecimateRows::new(width),
            fast: fast_scalar::FastRows::new(width),
            lanes: vec![0; 8 * lane_row_len(width)],
            sigma: vec![0; 3 * width.next_multiple_of(32)],
        }
    }

    /// Largest plane width these buffers serve.
    pub fn width(&self) -> usize {
        self.width
    }
}

/// Statistic kernel: `(planes, scale, bpc, egl, scratch)` → the scale's accumulators.
///
/// `scale` selects the filter and the vertical shifts (scale 0 depends on `bpc`); `egl` is the
/// enhancement gain limit. Panics if `scratch` is narrower than the planes.
pub type StatisticFn<T> = fn(&PlanePair<'_, T>, usize, u32, f64, &mut Scratch) -> VifAccum;

/// Decimation kernel: `(planes, to_scale, bpc, dst_ref, dst_dis, scratch)`; writes the
/// `width/2`×`height/2` low-passed, subsampled planes (rows `width/2` apart).
pub type DecimateFn<T> = fn(&PlanePair<'_, T>, usize, u32, &mut [u16], &mut [u16], &mut Scratch);

/// The reference's share of one scale's statistic, kept for several distorted inputs.
///
/// Per pixel the horizontally filtered Q32 mean `mu1` and σ₁², in an order the kernel level
/// that wrote them chooses (rows `stride` values apart), plus the scale's denominator
/// accumulators (`den_log`, `den_non_log`), which depend on σ₁² alone.
#[derive(Debug, Clone)]
pub struct RefStats {
    /// Values per row (the width rounded up to 16).
    pub stride: usize,
    /// Filtered means, `stride` per row.
    pub mu1: Vec<u32>,
    /// σ₁² (`xx − mu1²`, wrapped as in C), `stride` per row.
    pub sigma1: Vec<i32>,
    /// The denominator accumulators; the numerator fields stay zero.
    pub den: VifAccum,
}

impl RefStats {
    /// Buffers for a `width`×`height` plane.
    pub fn new(width: usize, height: usize) -> Self {
        let stride = width.next_multiple_of(16);
        RefStats {
            stride,
            mu1: vec![0; stride * height],
            sigma1: vec![0; stride * height],
            den: VifAccum::default(),
        }
    }
}

/// Reference half of the shared statistic: `(planes, scale, bpc, store, scratch)`; reads the
/// reference plane of `planes` only and fills `store`.
pub type StatRefFn<T> = fn(&PlanePair<'_, T>, usize, u32, &mut RefStats, &mut Scratch);

/// Distorted half of the shared statistic: `(planes, scale, bpc, egl, store, scratch)` → the
/// numerator accumulators (`num_log`, `num_non_log`; the others zero), given the reference's
/// `store` written by the same level's [`StatRefFn`].
pub type StatDisFn<T> = fn(&PlanePair<'_, T>, usize, u32, f64, &RefStats, &mut Scratch) -> VifAccum;

/// One-plane decimation: `(planes, to_scale, bpc, dst, scratch)` decimates the distorted plane
/// of `planes` only (see [`DecimateFn`]).
pub type DecimateOneFn<T> = fn(&PlanePair<'_, T>, usize, u32, &mut [u16], &mut Scratch);

/// Kernels of the shared-reference path (one reference, several distorted inputs).
#[derive(Clone, Copy)]
pub struct SharedKernels {
    /// Reference half of the statistic of 8-bit planes.
    pub stat_ref_u8: StatRefFn<u8>,
    /// Reference half of the statistic of 16-bit planes.
    pub stat_ref_u16: StatRefFn<u16>,
    /// Distorted half of the statistic of 8-bit planes.
    pub stat_dis_u8: StatDisFn<u8>,
    /// Distorted half of the statistic of 16-bit planes.
    pub stat_dis_u16: StatDisFn<u16>,
    /// One-plane decimation of 8-bit planes.
    pub decimate_one_u8: DecimateOneFn<u8>,
    /// One-plane decimation of 16-bit planes.
    pub decimate_one_u16: DecimateOneFn<u16>,
}

/// The kernels of one CPU level.
#[derive(Clone, Copy)]
pub struct Kernels {
    level: CpuLevel,
    /// Statistic of 8-bit planes.
    pub statistic_u8: StatisticFn<u8>,
    /// Statistic of 16-bit planes (deeper input and every decimated scale).
    pub statistic_u16: StatisticFn<u16>,
    /// Decimation of 8-bit planes.
    pub decimate_u8: DecimateFn<u8>,
    /// Decimation of 16-bit planes.
    pub decimate_u16: DecimateFn<u16>,
    /// The shared-reference path, `None` where the level has none (the oracle: the engine
    /// then runs [`Kernels::statistic_u8`] etc. per distorted input).
    pub shared: Option<SharedKernels>,
}

impl std::fmt::Debug for Kernels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernels")
            .field("level", &self.level)
            .finish()
    }
}

impl Kernels {
    /// The readable oracle ([`scalar`]): the reference of the parity tests.
    pub fn oracle() -> Kernels {
        Kernels {
            level: CpuLevel::Scalar,
            statistic_u8: oracle_statistic::<u8>,
            statistic_u16: oracle_statistic::<u16>,
            decimate_u8: oracle_decimate::<u8>,
            decimate_u16: oracle_decimate::<u16>,
            shared: None,
        }
    }

    /// The portable kernels of the `Scalar` level ([`fast_scalar`]).
    pub fn portable() -> Kernels {
        Kernels {
            level: CpuLevel::Scalar,
            statistic_u8: fast_scalar::statistic::<u8>,
            statistic_u16: fast_scalar::statistic::<u16>,
            decimate_u8: fast_scalar::decimate::<u8>,
            decimate_u16: fast_scalar::decimate::<u16>,
            shared: Some(SharedKernels {
                stat_ref_u8: fast_scalar::stat_ref::<u8>,
                stat_ref_u16: fast_scalar::stat_ref::<u16>,
                stat_dis_u8: fast_scalar::stat_dis::<u8>,
                stat_dis_u16: fast_scalar::stat_dis::<u16>,
                decimate_one_u8: fast_scalar::decimate_one::<u8>,
                decimate_one_u16: fast_scalar::decimate_one::<u16>,
            }),
        }
    }

    /// The kernels written for exactly `level`, or `None` if this CPU cannot run them.
    pub fn new(level: CpuLevel) -> Option<Kernels> {
        if level > crate::cpu::detected_cpu_level() {
            return None;
        }
        match level {
            CpuLevel::Scalar => Some(Kernels::portable()),
            #[cfg(target_arch = "x86_64")]
            CpuLevel::Avx2 => Some(Kernels {
                level,
                statistic_u8: avx2::statistic_u8,
                statistic_u16: avx2::statistic_u16,
                decimate_u8: avx2::decimate_u8,
                decimate_u16: avx2::decimate_u16,
                shared: Some(avx2::SHARED),
            }),
            #[cfg(all(target_arch = "x86_64", rvmaf_avx512))]
            CpuLevel::Avx512 => Some(Kernels {
                level,
                statistic_u8: avx512::statistic_u8,
                statistic_u16: avx512::statistic_u16,
                decimate_u8: avx512::decimate_u8,
                decimate_u16: avx512::decimate_u16,
                // the shared path of this level runs the AVX2 kernels (every AVX-512 CPU
                // has AVX2), which the parity tests check on AVX2 machines
                shared: Some(avx2::SHARED),
            }),
            // levels this build has no kernels for (another architecture, an old compiler)
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }

    /// The most capable kernels at or below `level` that this CPU runs.
    pub fn best(level: CpuLevel) -> Kernels {
        let mut l = level.min(crate::cpu::detected_cpu_level());
        loop {
            if let Some(k) = Kernels::new(l) {
                return k;
            }
            l = match l {
                CpuLevel::Avx512 => CpuLevel::Avx2,
                _ => CpuLevel::Scalar,
            };
        }
    }

    /// The level these kernels were written for.
    pub fn level(&self) -> CpuLevel {
        self.level
    }
}

fn oracle_statistic<T: Copy + Into<u32>>(
    p: &PlanePair<'_, T>,
    scale: usize,
    bpc: u32,
    egl: f64,
    s: &mut Scratch,
) -> VifAccum {
    assert!(p.width <= s.width, "scratch narrower than the plane");
    scalar::vif_statistic(
        p.reference,
        p.ref_stride,
        p.distorted,
        p.dis_stride,
        p.width,
        p.height,
        scale,
        bpc,
        egl,
        scalar::log2_table(),
        &mut s.stat_rows,
    )
}

fn oracle_decimate<T: Copy + Into<u32>>(
    p: &PlanePair<'_, T>,
    to_scale: usize,
    bpc: u32,
    dst_ref: &mut [u16],
    dst_dis: &mut [u16],
    s: &mut Scratch,
) {
    assert!(p.width <= s.width, "scratch narrower than the plane");
    scalar::decimate(
        p.reference,
        p.ref_stride,
        p.distorted,
        p.dis_stride,
        p.width,
        p.height,
        to_scale,
        bpc,
        dst_ref,
        dst_dis,
        &mut s.dec_rows,
    )
}

/// Sample types with a kernel in [`Kernels`].
trait Sample: Copy + Into<u32> {
    fn statistic(k: &Kernels) -> StatisticFn<Self>;
    fn decimate(k: &Kernels) -> DecimateFn<Self>;
    fn stat_ref(k: &SharedKernels) -> StatRefFn<Self>;
    fn stat_dis(k: &SharedKernels) -> StatDisFn<Self>;
    fn decimate_one(k: &SharedKernels) -> DecimateOneFn<Self>;
}

impl Sample for u8 {
    fn statistic(k: &Kernels) -> StatisticFn<u8> {
        k.statistic_u8
    }
    fn decimate(k: &Kernels) -> DecimateFn<u8> {
        k.decimate_u8
    }
    fn stat_ref(k: &SharedKernels) -> StatRefFn<u8> {
        k.stat_ref_u8
    }
    fn stat_dis(k: &SharedKernels) -> StatDisFn<u8> {
        k.stat_dis_u8
    }
    fn decimate_one(k: &SharedKernels) -> DecimateOneFn<u8> {
        k.decimate_one_u8
    }
}

impl Sample for u16 {
    fn statistic(k: &Kernels) -> StatisticFn<u16> {
        k.statistic_u16
    }
    fn decimate(k: &Kernels) -> DecimateFn<u16> {
        k.decimate_u16
    }
    fn stat_ref(k: &SharedKernels) -> StatRefFn<u16> {
        k.stat_ref_u16
    }
    fn stat_dis(k: &SharedKernels) -> StatDisFn<u16> {
        k.stat_dis_u16
    }
    fn decimate_one(k: &SharedKernels) -> DecimateOneFn<u16> {
        k.decimate_one_u16
    }
}
