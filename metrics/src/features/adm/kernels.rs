//! Run-time dispatch of the integer ADM kernels: [`AdmKernels`] is resolved once (per
//! extractor instance) for a [`CpuLevel`] and forwards every call to the scalar oracle
//! ([`super::scalar`]) or to its bit-exact SIMD twin.

use super::scalar::{self, Bands, Hvd};
use crate::cpu::CpuLevel;

#[cfg(target_arch = "x86_64")]
use super::avx2::Avx2;
#[cfg(target_arch = "x86_64")]
use super::avx512::Avx512;

/// The input plane of the scale-0 DWT.
#[derive(Debug, Clone, Copy)]
pub enum Src<'a> {
    /// 8-bit samples.
    U8(&'a [u8]),
    /// 9–16 bit samples.
    U16(&'a [u16]),
}

/// The input band of a scale 1–3 DWT (the previous scale's `a` band).
#[derive(Debug, Clone, Copy)]
pub enum BandSrc<'a> {
    /// Scale 0's band (input of scale 1).
    I16(&'a [i16]),
    /// Scale 1 or 2's band.
    I32(&'a [i32]),
}

/// Scratch rows and buffers shared by the kernels, sized once for a frame width (the larger
/// ones are allocated on first use and kept).
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Four `i16` rows of `width + 3` (DWT intermediate rows, padded for the SIMD passes).
    pub tmp16: [Vec<i16>; 4],
    /// Two `i32` rows of `width` (scalar scale 1–3 DWT).
    pub tmp32: [Vec<i32>; 2],
    /// Contrast-masking row sums.
    pub cm: Vec<i32>,
    /// Row rings of the fused stages.
    pub ring16: Vec<i16>,
    /// Row rings of the fused stages.
    pub ring32: Vec<i32>,
    /// Whole-band planes of the composed (unfused) stages.
    planes16: Option<Box<StagePlanes<i16>>>,
    /// Whole-band planes of the composed (unfused) stages.
    planes32: Option<Box<StagePlanes<i32>>>,
}

/// Decoupled bands and CSF outputs of one scale.
#[derive(Debug, Clone)]
struct StagePlanes<T> {
    r: Hvd<T>,
    a: Hvd<T>,
    dst: Hvd<T>,
    flt: Hvd<T>,
}

impl<T: Copy + Default> StagePlanes<T> {
    /// Planes of at least `len` samples, reusing `old` when it is large enough.
    fn get(old: &mut Option<Box<StagePlanes<T>>>, len: usize) -> &mut StagePlanes<T> {
        if old.as_ref().is_none_or(|p| p.r[0].len() < len) {
            *old = Some(Box::new(StagePlanes {
                r: scalar::hvd(len),
                a: scalar::hvd(len),
                dst: scalar::hvd(len),
                flt: scalar::hvd(len),
            }));
        }
        old.as_mut().expect("just set")
    }
}

impl Scratch {
    /// Scratch for frames `width` samples wide.
    pub fn new(width: usize) -> Scratch {
        let r16 = || vec![0i16; width + 3];
        let r32 = || vec![0i32; width + 3];
        Scratch {
            tmp16: [r16(), r16(), r16(), r16()],
            tmp32: [r32(), r32()],
            cm: Vec::new(),
            ring16: Vec::new(),
            ring32: Vec::new(),
            planes16: None,
            planes32: None,
        }
    }
}

/// Parameters of one scale's pair stage (decoupling, CSF weighting, contrast masking).
#[derive(Debug, Clone, Copy)]
pub struct StageParams<'a, W> {
    /// Enhancement gain limit.
    pub egl: f64,
    /// `f32(cos(1 degree)^2)`.
    pub cos1_sq: f32,
    /// The reciprocal table ([`super::tables::div_lookup`]).
    pub div_lookup: &'a [i32],
    /// CSF weights of the scale.
    pub rfactor: W,
    /// Noise weight of the DLM masking (AIM uses 0).
    pub nw: f64,
    /// Leave AIM out (it is then 0).
    pub skip_aim: bool,
}

#[derive(Debug, Clone, Copy)]
enum Imp {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
    #[cfg(target_arch = "x86_64")]
    Avx512(Avx512),
}

/// The ADM kernels of one CPU level. Every method computes exactly what the
/// [`super::scalar`] function of the same name computes (same arguments unless noted).
#[derive(Debug, Clone, Copy)]
pub struct AdmKernels {
    imp: Imp,
}

impl AdmKernels {
    /// The best implementation at or below `level` that this CPU runs.
    pub fn new(level: CpuLevel) -> AdmKernels {
        #[cfg(target_arch = "x86_64")]
        {
            if level >= CpuLevel::Avx512 {
                if let Some(t) = Avx512::new() {
                    return AdmKernels {
                        imp: Imp::Avx512(t),
                    };
                }
            }
            if level >= CpuLevel::Avx2 {
                if let Some(t) = Avx2::new() {
                    return AdmKernels { imp: Imp::Avx2(t) };
                }
            }
        }
        let _ = level;
        AdmKernels { imp: Imp::Scalar }
    }

    /// The level in use.
    pub fn level(&self) -> CpuLevel {
        match self.imp {
            Imp::Scalar => CpuLevel::Scalar,
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(_) => CpuLevel::Avx2,
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(_) => CpuLevel::Avx512,
        }
    }

    /// Scale-0 DWT of a `bpc`-bit plane (`w >= 32`; `ind_y`/`ind_x` from
    /// [`scalar::dwt_indices`] of the plane's height/width).
    #[allow(clippy::too_many_arguments)]
    pub fn dwt_scale0(
        &self,
        src: Src<'_>,
        src_stride: usize,
        w: usize,
        bpc: u32,
        ind_y: &[[usize; 4]],
        ind_x: &[[usize; 4]],
        scratch: &mut Scratch,
        out: &mut Bands<i16>,
        out_stride: usize,
        lo_only: bool,
    ) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.dwt_scale0(
                src,
                src_stride,
                w,
                bpc,
                ind_y,
                &mut scratch.tmp16,
                out,
                out_stride,
                lo_only,
            ),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.dwt_scale0(
                src,
                src_stride,
                w,
                bpc,
                ind_y,
                &mut scratch.tmp16,
                out,
                out_stride,
                lo_only,
            ),
            Imp::Scalar => {
                let [lo, hi, ..] = &mut scratch.tmp16;
                match src {
                    Src::U8(p) => scalar::dwt_scale0(
                        p, src_stride, w, bpc, ind_y, ind_x, lo, hi, out, out_stride, lo_only,
                    ),
                    Src::U16(p) => scalar::dwt_scale0(
                        p, src_stride, w, bpc, ind_y, ind_x, lo, hi, out, out_stride, lo_only,
                    ),
                }
            }
        }
    }

    /// Scale 1–3 DWT of the previous scale's `a` band.
    #[allow(clippy::too_many_arguments)]
    pub fn dwt_s123(
        &self,
        src: BandSrc<'_>,
        src_stride: usize,
        w: usize,
        scale: usize,
        ind_y: &[[usize; 4]],
        ind_x: &[[usize; 4]],
        scratch: &mut Scratch,
        out: &mut Bands<i32>,
        out_stride: usize,
    ) {
        let Scratch { tmp16, tmp32, .. } = scratch;
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.dwt_s123(
                src, src_stride, w, scale, ind_y, ind_x, tmp16, tmp32, out, out_stride,
            ),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.dwt_s123(
                src, src_stride, w, scale, ind_y, ind_x, tmp16, tmp32, out, out_stride,
            ),
            Imp::Scalar => {
                let [lo, hi] = tmp32;
                match src {
                    BandSrc::I16(s) => scalar::dwt_s123(
                        s, src_stride, w, scale, ind_y, ind_x, lo, hi, out, out_stride,
                    ),
                    BandSrc::I32(s) => scalar::dwt_s123(
                        s, src_stride, w, scale, ind_y, ind_x, lo, hi, out, out_stride,
                    ),
                }
            }
        }
    }

    /// Scale-0 decoupling.
    #[allow(clippy::too_many_arguments)]
    pub fn decouple_scale0(
        &self,
        rf: &Bands<i16>,
        df: &Bands<i16>,
        stride: usize,
        w: usize,
        h: usize,
        egl: f64,
        cos1_sq: f32,
        div_lookup: &[i32],
        r: &mut Hvd<i16>,
        a: &mut Hvd<i16>,
    ) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.decouple_scale0(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => {
                t.decouple_scale0(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a)
            }
            Imp::Scalar => {
                scalar::decouple_scale0(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a)
            }
        }
    }

    /// Scale 1–3 decoupling.
    #[allow(clippy::too_many_arguments)]
    pub fn decouple_s123(
        &self,
        rf: &Bands<i32>,
        df: &Bands<i32>,
        stride: usize,
        w: usize,
        h: usize,
        egl: f64,
        cos1_sq: f32,
        div_lookup: &[i32],
        r: &mut Hvd<i32>,
        a: &mut Hvd<i32>,
    ) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.decouple_s123(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.decouple_s123(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a),
            Imp::Scalar => {
                scalar::decouple_s123(rf, df, stride, w, h, egl, cos1_sq, div_lookup, r, a)
            }
        }
    }

    /// Scale-0 CSF weighting.
    #[allow(clippy::too_many_arguments)]
    pub fn csf_scale0(
        &self,
        src: &Hvd<i16>,
        stride: usize,
        w: usize,
        h: usize,
        rfactor: [u16; 3],
        dst: &mut Hvd<i16>,
        flt: &mut Hvd<i16>,
    ) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.csf_scale0(src, stride, w, h, rfactor, dst, flt),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.csf_scale0(src, stride, w, h, rfactor, dst, flt),
            Imp::Scalar => scalar::csf_scale0(src, stride, w, h, rfactor, dst, flt),
        }
    }

    /// Scale 1–3 CSF weighting.
    #[allow(clippy::too_many_arguments)]
    pub fn csf_s123(
        &self,
        src: &Hvd<i32>,
        stride: usize,
        w: usize,
        h: usize,
        rfactor: [u32; 3],
        dst: &mut Hvd<i32>,
        flt: &mut Hvd<i32>,
    ) {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.csf_s123(src, stride, w, h, rfactor, dst, flt),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.csf_s123(src, stride, w, h, rfactor, dst, flt),
            Imp::Scalar => scalar::csf_s123(src, stride, w, h, rfactor, dst, flt),
        }
    }

    /// Scale-0 CSF denominator of the reference bands.
    pub fn csf_den_scale0(
        &self,
        bands: &Hvd<i16>,
        stride: usize,
        w: usize,
        h: usize,
        rf_cubed: [f64; 3],
        nw: f64,
    ) -> f32 {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.csf_den_scale0(bands, stride, w, h, rf_cubed, nw),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.csf_den_scale0(bands, stride, w, h, rf_cubed, nw),
            Imp::Scalar => scalar::csf_den_scale0(bands, stride, w, h, rf_cubed, nw),
        }
    }

    /// Scale 1–3 CSF denominator of the reference bands.
    #[allow(clippy::too_many_arguments)]
    pub fn csf_den_s123(
        &self,
        bands: &Hvd<i32>,
        stride: usize,
        w: usize,
        h: usize,
        scale: usize,
        rf_cubed: [f64; 3],
        nw: f64,
    ) -> f32 {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.csf_den_s123(bands, stride, w, h, scale, rf_cubed, nw),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.csf_den_s123(bands, stride, w, h, scale, rf_cubed, nw),
            Imp::Scalar => scalar::csf_den_s123(bands, stride, w, h, scale, rf_cubed, nw),
        }
    }

    /// Scale-0 contrast masking.
    #[allow(clippy::too_many_arguments)]
    pub fn cm_scale0(
        &self,
        src: &Hvd<i16>,
        csf_dst: &Hvd<i16>,
        csf_flt: &Hvd<i16>,
        stride: usize,
        w: usize,
        h: usize,
        rfactor: [u16; 3],
        nw: f64,
        scratch: &mut Scratch,
    ) -> f32 {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.cm_scale0(
                src,
                csf_dst,
                csf_flt,
                stride,
                w,
                h,
                rfactor,
                nw,
                &mut scratch.cm,
            ),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.cm_scale0(
                src,
                csf_dst,
                csf_flt,
                stride,
                w,
                h,
                rfactor,
                nw,
                &mut scratch.cm,
            ),
            Imp::Scalar => {
                let _ = scratch;
                scalar::cm_scale0(src, csf_dst, csf_flt, stride, w, h, rfactor, nw)
            }
        }
    }

    /// Scale 1–3 contrast masking.
    #[allow(clippy::too_many_arguments)]
    pub fn cm_s123(
        &self,
        src: &Hvd<i32>,
        csf_dst: &Hvd<i32>,
        csf_flt: &Hvd<i32>,
        stride: usize,
        w: usize,
        h: usize,
        scale: usize,
        rfactor: [u32; 3],
        nw: f64,
        scratch: &mut Scratch,
    ) -> f32 {
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.cm_s123(
                src,
                csf_dst,
                csf_flt,
                stride,
                w,
                h,
                scale,
                rfactor,
                nw,
                &mut scratch.cm,
            ),
            #[cfg(target_arch = "x86_64")]
            Imp::Avx512(t) => t.cm_s123(
                src,
                csf_dst,
                csf_flt,
                stride,
                w,
                h,
                scale,
                rfactor,
                nw,
                &mut scratch.cm,
            ),
            Imp::Scalar => {
                let _ = scratch;
                scalar::cm_s123(src, csf_dst, csf_flt, stride, w, h, scale, rfactor, nw)
            }
        }
    }

    /// Scale 0 after the DWTs: decoupling, CSF weighting of the additive part and DLM contrast
    /// masking, then (unless `skip_aim`) CSF of the restored part and AIM masking. Returns
    /// `(num, aim)`, exactly as [`scalar::decouple_scale0`], [`scalar::csf_scale0`] and
    /// [`scalar::cm_scale0`] composed give them. SIMD levels run it fused row by row.
    #[allow(clippy::too_many_arguments)]
    pub fn stage_scale0(
        &self,
        rf: &Bands<i16>,
        df: &Bands<i16>,
        stride: usize,
        w: usize,
        h: usize,
        p: &StageParams<'_, [u16; 3]>,
        scratch: &mut Scratch,
    ) -> (f32, f32) {
        #[cfg(target_arch = "x86_64")]
        {
            let fused = match self.imp {
                Imp::Avx2(t) => t.stage_scale0(
                    rf,
                    df,
                    stride,
                    w,
                    h,
                    p.egl,
                    p.cos1_sq,
                    p.div_lookup,
                    p.rfactor,
                    p.nw,
                    p.skip_aim,
                    &mut scratch.ring16,
                    &mut scratch.ring32,
                ),
                #[cfg(target_arch = "x86_64")]
                Imp::Avx512(t) => t.stage_scale0(
                    rf,
                    df,
                    stride,
                    w,
                    h,
                    p.egl,
                    p.cos1_sq,
                    p.div_lookup,
                    p.rfactor,
                    p.nw,
                    p.skip_aim,
                    &mut scratch.ring16,
                    &mut scratch.ring32,
                ),
                Imp::Scalar => None,
            };
            if let Some(x) = fused {
                return x;
            }
        }
        let mut planes = scratch.planes16.take();
        let pl = StagePlanes::get(&mut planes, stride * h);
        self.decouple_scale0(
            rf,
            df,
            stride,
            w,
            h,
            p.egl,
            p.cos1_sq,
            p.div_lookup,
            &mut pl.r,
            &mut pl.a,
        );
        self.csf_scale0(&pl.a, stride, w, h, p.rfactor, &mut pl.dst, &mut pl.flt);
        let num = self.cm_scale0(
            &pl.r, &pl.dst, &pl.flt, stride, w, h, p.rfactor, p.nw, scratch,
        );
        let mut aim = 0.0;
        if !p.skip_aim {
            self.csf_scale0(&pl.r, stride, w, h, p.rfactor, &mut pl.dst, &mut pl.flt);
            aim = self.cm_scale0(
                &pl.a, &pl.dst, &pl.flt, stride, w, h, p.rfactor, 0.0, scratch,
            );
        }
        scratch.planes16 = planes;
        (num, aim)
    }

    /// Scales 1–3 after the DWTs, as [`AdmKernels::stage_scale0`] with the scale 1–3 kernels.
    #[allow(clippy::too_many_arguments)]
    pub fn stage_s123(
        &self,
        rf: &Bands<i32>,
        df: &Bands<i32>,
        stride: usize,
        w: usize,
        h: usize,
        scale: usize,
        p: &StageParams<'_, [u32; 3]>,
        scratch: &mut Scratch,
    ) -> (f32, f32) {
        #[cfg(target_arch = "x86_64")]
        {
            let fused = match self.imp {
                Imp::Avx2(t) => t.stage_s123(
                    rf,
                    df,
                    stride,
                    w,
                    h,
                    scale,
                    p.egl,
                    p.cos1_sq,
                    p.rfactor,
                    p.nw,
                    p.skip_aim,
                    &mut scratch.ring32,
                ),
                #[cfg(target_arch = "x86_64")]
                Imp::Avx512(t) => t.stage_s123(
                    rf,
                    df,
                    stride,
                    w,
                    h,
                    scale,
                    p.egl,
                    p.cos1_sq,
                    p.rfactor,
                    p.nw,
                    p.skip_aim,
                    &mut scratch.ring32,
                ),
                Imp::Scalar => None,
            };
            if let Some(x) = fused {
                return x;
            }
        }
        let mut planes = scratch.planes32.take();
        let pl = StagePlanes::get(&mut planes, stride * h);
        self.decouple_s123(
            rf,
            df,
            stride,
            w,
            h,
            p.egl,
            p.cos1_sq,
            p.div_lookup,
            &mut pl.r,
            &mut pl.a,
        );
        self.csf_s123(&pl.a, stride, w, h, p.rfactor, &mut pl.dst, &mut pl.flt);
        let num = self.cm_s123(
            &pl.r, &pl.dst, &pl.flt, stride, w, h, scale, p.rfactor, p.nw, scratch,
        );
        let mut aim = 0.0;
        if !p.skip_aim {
            self.csf_s123(&pl.r, stride, w, h, p.rfactor, &mut pl.dst, &mut pl.flt);
            aim = self.cm_s123(
                &pl.a, &pl.dst, &pl.flt, stride, w, h, scale, p.rfactor, 0.0, scratch,
            );
        }
        scratch.planes32 = planes;
        (num, aim)
    }
}
