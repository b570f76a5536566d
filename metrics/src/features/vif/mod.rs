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

/// The safe entry points of one SIMD level's shared-reference kernels and its `SHARED` table,
/// written in the level's module: `$level` names it in the docs, `$check` asserts the CPU runs
/// it, `$sample` bounds the sample types of its `decimate`, and `$features` are its target
/// features. The module provides `stat_ref::<T, FW>`, `stat_dis::<T, FW>` (statistic halves,
/// 8-bit samples at scale 0 only) and `decimate::<T, FW, BOTH>`.
#[cfg(target_arch = "x86_64")]
macro_rules! shared_entry_points {
    ($level:literal, $check:path, $sample:path, $features:literal) => {
        #[doc = concat!("The shared-reference kernels of the ", $level, " level.")]
        pub const SHARED: super::SharedKernels = super::SharedKernels {
            stat_ref_u8,
            stat_ref_u16,
            stat_dis_u8,
            stat_dis_u16,
            decimate_one_u8,
            decimate_one_u16,
        };

        #[doc = concat!($level, " reference half of the statistic of 8-bit planes (vector ")]
        /// path: 8-bit scale 0, else the portable kernels).
        pub fn stat_ref_u8(
            p: &PlanePair<'_, u8>,
            scale: usize,
            bpc: u32,
            rows: Range<usize>,
            st: &mut RefStats,
            s: &mut Scratch,
        ) -> VifAccum {
            $check();
            if scale != 0 || bpc != 8 {
                return super::fast_scalar::stat_ref(p, scale, bpc, rows, st, s);
            }
            // SAFETY: the CPU runs this level (checked above); u8 runs with FW = 17 and
            // bpc = 8.
            unsafe { stat_ref::<u8, 17>(p, bpc, rows, st, s) }
        }

        #[doc = concat!($level, " reference half of the statistic of 16-bit planes.")]
        pub fn stat_ref_u16(
            p: &PlanePair<'_, u16>,
            scale: usize,
            bpc: u32,
            rows: Range<usize>,
            st: &mut RefStats,
            s: &mut Scratch,
        ) -> VifAccum {
            $check();
            // SAFETY: the CPU runs this level (checked above).
            unsafe {
                match scale {
                    0 => stat_ref::<u16, 17>(p, bpc, rows, st, s),
                    1 => stat_ref::<u16, 9>(p, bpc, rows, st, s),
                    2 => stat_ref::<u16, 5>(p, bpc, rows, st, s),
                    3 => stat_ref::<u16, 3>(p, bpc, rows, st, s),
                    _ => panic!("integer VIF has scales 0..=3, not {scale}"),
                }
            }
        }

        #[doc = concat!($level, " distorted half of the statistic of 8-bit planes (the same ")]
        /// split as `stat_ref_u8`).
        pub fn stat_dis_u8(
            p: &PlanePair<'_, u8>,
            scale: usize,
            bpc: u32,
            egl: f64,
            rows: Range<usize>,
            st: &RefStats,
            s: &mut Scratch,
        ) -> VifAccum {
            $check();
            if scale != 0 || bpc != 8 {
                return super::fast_scalar::stat_dis(p, scale, bpc, egl, rows, st, s);
            }
            // SAFETY: the CPU runs this level (checked above); u8 runs with FW = 17 and
            // bpc = 8.
            unsafe { stat_dis::<u8, 17>(p, bpc, egl, rows, st, s) }
        }

        #[doc = concat!($level, " distorted half of the statistic of 16-bit planes.")]
        pub fn stat_dis_u16(
            p: &PlanePair<'_, u16>,
            scale: usize,
            bpc: u32,
            egl: f64,
            rows: Range<usize>,
            st: &RefStats,
            s: &mut Scratch,
        ) -> VifAccum {
            $check();
            // SAFETY: the CPU runs this level (checked above).
            unsafe {
                match scale {
                    0 => stat_dis::<u16, 17>(p, bpc, egl, rows, st, s),
                    1 => stat_dis::<u16, 9>(p, bpc, egl, rows, st, s),
                    2 => stat_dis::<u16, 5>(p, bpc, egl, rows, st, s),
                    3 => stat_dis::<u16, 3>(p, bpc, egl, rows, st, s),
                    _ => panic!("integer VIF has scales 0..=3, not {scale}"),
                }
            }
        }

        #[doc = concat!($level, " decimation of the distorted plane of 8-bit planes.")]
        pub fn decimate_one_u8(
            p: &PlanePair<'_, u8>,
            to_scale: usize,
            bpc: u32,
            dst: &mut [u16],
            s: &mut Scratch,
        ) {
            $check();
            // SAFETY: the CPU runs this level (checked above).
            unsafe { decimate_one_dispatch(p, to_scale, bpc, dst, s) }
        }

        #[doc = concat!($level, " decimation of the distorted plane of 16-bit planes.")]
        pub fn decimate_one_u16(
            p: &PlanePair<'_, u16>,
            to_scale: usize,
            bpc: u32,
            dst: &mut [u16],
            s: &mut Scratch,
        ) {
            $check();
            // SAFETY: the CPU runs this level (checked above).
            unsafe { decimate_one_dispatch(p, to_scale, bpc, dst, s) }
        }

        /// # Safety
        /// The CPU runs this level.
        #[target_feature(enable = $features)]
        unsafe fn decimate_one_dispatch<T: $sample>(
            p: &PlanePair<'_, T>,
            to_scale: usize,
            bpc: u32,
            dst: &mut [u16],
            s: &mut Scratch,
        ) {
            // SAFETY: forwarded from the caller.
            unsafe {
                match to_scale {
                    1 => decimate::<T, 9, false>(p, bpc, &mut [], dst, s),
                    2 => decimate::<T, 5, false>(p, bpc, &mut [], dst, s),
                    3 => decimate::<T, 3, false>(p, bpc, &mut [], dst, s),
                    _ => panic!("integer VIF decimates to scales 1..=3, not {to_scale}"),
                }
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
pub mod avx2;
#[cfg(all(target_arch = "x86_64", rvmaf_avx512))]
pub mod avx512;
pub mod fast_scalar;
pub mod scalar;

use std::ops::Range;
use std::sync::Arc;

use crate::cpu::{cpu_level, CpuLevel};
use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
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
        scaled_dis: vec![[scaled(1), scaled(2), scaled(3)]],
        scratch: Scratch::new(w),
        band: None,
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
    /// Decimated planes of scales 1..3 (rows `w >> s` apart): of the reference, and of each
    /// distorted input of a group (the first set also serves single pairs).
    scaled_ref: [Vec<u16>; 3],
    scaled_dis: Vec<[Vec<u16>; 3]>,
    scratch: Scratch,
    /// The group path's reference share of the statistic for one band of rows, allocated on
    /// the first group.
    band: Option<RefStats>,
}

/// Rows per band of the group path: the reference's statistic of one band (8 bytes a pixel)
/// stays in cache while every distorted input reads it.
fn band_rows(width: usize) -> usize {
    (16384 / width.max(1)).clamp(4, 64)
}

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
        let [d1, ..] = &mut self.scaled_dis[0];
        T::decimate(&self.kernels)(&src, 1, bpc, r1, d1, &mut self.scratch);
        self.upper_scales(&mut out);
        out
    }

    /// Numerator/denominator of every scale of the reference `r` against each of `ds`
    /// (the group path): band by band, the reference half of a scale's statistic once, then
    /// the distorted half of every input; each input's decimation on its own.
    fn compute_group<T: Sample>(
        &mut self,
        r: Plane<'_, T>,
        ds: &[Plane<'_, T>],
        sk: &SharedKernels,
    ) -> Vec<[(f32, f32); 4]> {
        let (w, h) = (self.geometry.width, self.geometry.height);
        let bpc = self.geometry.bit_depth;
        let scaled = |s: usize| vec![0u16; (w >> s) * (h >> s)];
        let band = self
            .band
            .get_or_insert_with(|| RefStats::new(w, band_rows(w)));
        while self.scaled_dis.len() < ds.len() {
            self.scaled_dis.push([scaled(1), scaled(2), scaled(3)]);
        }
        let mut out = vec![[(0.0f32, 0.0f32); 4]; ds.len()];
        let rp = PlanePair::new(r.data(), r.stride(), r.data(), r.stride(), w, h);
        let pairs: Vec<PlanePair<'_, T>> = ds
            .iter()
            .map(|d| PlanePair::new(r.data(), r.stride(), d.data(), d.stride(), w, h))
            .collect();
        if !self.skip_scale0 {
            let nd = band_statistic(
                (T::stat_ref(sk), T::stat_dis(sk)),
                &rp,
                &pairs,
                0,
                bpc,
                self.egl,
                band,
                &mut self.scratch,
            );
            for (o, nd) in out.iter_mut().zip(nd) {
                o[0] = nd;
            }
        }
        T::decimate_one(sk)(&rp, 1, bpc, &mut self.scaled_ref[0], &mut self.scratch);
        for (p, sd) in pairs.iter().zip(self.scaled_dis.iter_mut()) {
            T::decimate_one(sk)(p, 1, bpc, &mut sd[0], &mut self.scratch);
        }
        for scale in 1..4 {
            let (w, h) = (w >> scale, h >> scale);
            let (lo_r, hi_r) = self.scaled_ref.split_at_mut(scale);
            let plane = &lo_r[scale - 1];
            let rp = PlanePair::new(plane, w, plane, w, w, h);
            // each input's planes of this scale (read) and of the next ones (written)
            let (lo_d, mut hi_d): (Vec<_>, Vec<_>) = self.scaled_dis[..ds.len()]
                .iter_mut()
                .map(|sd| {
                    let (lo, hi) = sd.split_at_mut(scale);
                    (&*lo, hi)
                })
                .unzip();
            let pairs: Vec<PlanePair<'_, u16>> = lo_d
                .iter()
                .map(|&lo| PlanePair::new(plane, w, &lo[scale - 1], w, w, h))
                .collect();
            let nd = band_statistic(
                (sk.stat_ref_u16, sk.stat_dis_u16),
                &rp,
                &pairs,
                scale,
                bpc,
                self.egl,
                band,
                &mut self.scratch,
            );
            for (o, nd) in out.iter_mut().zip(nd) {
                o[scale] = nd;
            }
            if scale < 3 {
                (sk.decimate_one_u16)(&rp, scale + 1, bpc, &mut hi_r[0], &mut self.scratch);
                for (p, hi) in pairs.iter().zip(hi_d.iter_mut()) {
                    (sk.decimate_one_u16)(p, scale + 1, bpc, &mut hi[0], &mut self.scratch);
                }
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
            let (lo_d, hi_d) = self.scaled_dis[0].split_at_mut(scale);
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
        self.check(input.reference.geometry(), input.distorted.geometry())?;
        let nd = match (input.reference.luma(), input.distorted.luma()) {
            (PlaneRef::U8(r), PlaneRef::U8(d)) => self.compute(r, d),
            (PlaneRef::U16(r), PlaneRef::U16(d)) => self.compute(r, d),
            _ => return Err(mixed_types()),
        };
        write_scores(&self.names, self.skip_scale0, self.debug, &nd, out);
        Ok(())
    }

    /// Kernels with a shared-reference path (every level but the oracle) compute the
    /// reference's decimated planes and its share of every scale's statistic once.
    fn extract_group(
        &mut self,
        inputs: &[FrameInput<'_>],
        outs: &mut [FrameScores],
    ) -> Result<bool> {
        let Some(sk) = self.kernels.shared else {
            return Ok(false);
        };
        let Some(first) = inputs.first() else {
            return Ok(true);
        };
        for input in inputs {
            self.check(first.reference.geometry(), input.distorted.geometry())?;
        }
        let nds = match first.reference.luma() {
            PlaneRef::U8(r) => self.group_typed(r, inputs, &sk)?,
            PlaneRef::U16(r) => self.group_typed(r, inputs, &sk)?,
        };
        for (nd, out) in nds.iter().zip(outs.iter_mut()) {
            write_scores(&self.names, self.skip_scale0, self.debug, nd, out);
        }
        Ok(true)
    }
}

impl IntegerVif {
    /// [`IntegerVif::compute_group`] once every distorted plane has the reference's sample
    /// type.
    fn group_typed<T: Sample>(
        &mut self,
        r: Plane<'_, T>,
        inputs: &[FrameInput<'_>],
        sk: &SharedKernels,
    ) -> Result<Vec<[(f32, f32); 4]>> {
        let ds = inputs
            .iter()
            .map(|i| T::plane(i.distorted.luma()).ok_or_else(mixed_types))
            .collect::<Result<Vec<_>>>()?;
        Ok(self.compute_group(r, &ds, sk))
    }
}

fn mixed_types() -> Error {
    Error::extraction("vif", "reference and distorted sample types differ")
}

/// One scale's statistic of `pairs` (one reference, several distorted planes) through the
/// shared kernels, band by band of `band`'s rows: the reference half of a band, then the
/// distorted half of every pair while the band is in cache. Numerator/denominator per pair.
#[allow(clippy::too_many_arguments)]
fn band_statistic<T>(
    (stat_ref, stat_dis): (StatRefFn<T>, StatDisFn<T>),
    reference: &PlanePair<'_, T>,
    pairs: &[PlanePair<'_, T>],
    scale: usize,
    bpc: u32,
    egl: f64,
    band: &mut RefStats,
    scratch: &mut Scratch,
) -> Vec<(f32, f32)> {
    let h = reference.height();
    let mut den = VifAccum::default();
    let mut nums = vec![VifAccum::default(); pairs.len()];
    let mut start = 0;
    while start < h {
        let rows = start..(start + band.rows).min(h);
        den += stat_ref(reference, scale, bpc, rows.clone(), band, scratch);
        for (p, num) in pairs.iter().zip(nums.iter_mut()) {
            *num += stat_dis(p, scale, bpc, egl, rows.clone(), band, scratch);
        }
        start = rows.end;
    }
    nums.iter()
        .map(|num| {
            VifAccum {
                den_log: den.den_log,
                den_non_log: den.den_non_log,
                ..*num
            }
            .num_den()
        })
        .collect()
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

/// The reference's share of one scale's statistic for a band of rows, kept for several
/// distorted inputs.
///
/// Per pixel the horizontally filtered Q32 mean `mu1` and σ₁², in an order the kernel level
/// that wrote them chooses (rows `stride` values apart, the band's first row first).
#[derive(Debug, Clone)]
pub struct RefStats {
    /// Values per row (the width rounded up to 32, the widest level's vector block).
    pub stride: usize,
    /// Rows the buffers hold.
    pub rows: usize,
    /// Filtered means, `stride` per row.
    pub mu1: Vec<u32>,
    /// σ₁² (`xx − mu1²`, wrapped as in C), `stride` per row.
    pub sigma1: Vec<i32>,
}

impl RefStats {
    /// Buffers for `rows` rows of planes up to `width` samples wide.
    pub fn new(width: usize, rows: usize) -> Self {
        let stride = width.next_multiple_of(32);
        RefStats {
            stride,
            rows,
            mu1: vec![0; stride * rows],
            sigma1: vec![0; stride * rows],
        }
    }

    /// Whether the buffers hold `rows` rows of a plane `width` samples wide.
    pub fn holds(&self, width: usize, rows: usize) -> bool {
        self.stride >= width.next_multiple_of(32)
            && rows <= self.rows
            && self.mu1.len() >= self.stride * rows
            && self.sigma1.len() >= self.stride * rows
    }
}

/// Panics unless `s` is wide enough for `p` and `st` holds the band `rows` of `p` (the checks
/// every shared-reference kernel makes first).
pub(crate) fn check_band<T>(p: &PlanePair<'_, T>, rows: &Range<usize>, st: &RefStats, s: &Scratch) {
    assert!(p.width <= s.width, "scratch narrower than the plane");
    assert!(
        rows.end <= p.height && st.holds(p.width, rows.len()),
        "band outside the plane or the store"
    );
}

/// Reference half of the shared statistic: `(planes, scale, bpc, rows, store, scratch)` reads
/// the reference plane of `planes` only, fills `store` with the band `rows` and returns the
/// band's denominator accumulators (`den_log`, `den_non_log`, which depend on σ₁² alone; the
/// others zero).
pub type StatRefFn<T> =
    fn(&PlanePair<'_, T>, usize, u32, Range<usize>, &mut RefStats, &mut Scratch) -> VifAccum;

/// Distorted half of the shared statistic: `(planes, scale, bpc, egl, rows, store, scratch)` →
/// the numerator accumulators of the band `rows` (`num_log`, `num_non_log`; the others zero),
/// given the reference's `store` of the same band written by the same level's [`StatRefFn`].
pub type StatDisFn<T> =
    fn(&PlanePair<'_, T>, usize, u32, f64, Range<usize>, &RefStats, &mut Scratch) -> VifAccum;

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
                shared: Some(avx512::SHARED),
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
    /// The plane if its samples are `Self`.
    fn plane(p: PlaneRef<'_>) -> Option<Plane<'_, Self>>;
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
    fn plane(p: PlaneRef<'_>) -> Option<Plane<'_, u8>> {
        match p {
            PlaneRef::U8(p) => Some(p),
            PlaneRef::U16(_) => None,
        }
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
    fn plane(p: PlaneRef<'_>) -> Option<Plane<'_, u16>> {
        match p {
            PlaneRef::U16(p) => Some(p),
            PlaneRef::U8(_) => None,
        }
    }
}
