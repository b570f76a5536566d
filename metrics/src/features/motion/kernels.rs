//! Run-time dispatch of the integer motion SAD: [`SadKernel`] is resolved once per extractor
//! instance for a [`CpuLevel`] and computes exactly what [`scalar::motion_sad`] computes.

use super::scalar;
use crate::cpu::CpuLevel;
use crate::frame::Plane;

#[cfg(target_arch = "x86_64")]
use super::avx2::Avx2;

#[derive(Debug, Clone, Copy)]
enum Imp {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2(Avx2),
}

/// Scratch rows of the SIMD kernels, sized for one picture width.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// The vertical pass split as `v = 256 * hi + lo`, two mirrored samples on each side.
    pub hi: Vec<i16>,
    /// See `hi`.
    pub lo: Vec<i16>,
    /// Five rows of sample differences `prev - cur` (a ring indexed by row % 5).
    pub ring: Vec<i16>,
}

impl Scratch {
    /// Scratch for planes up to `width` samples wide.
    pub fn new(width: usize) -> Scratch {
        Scratch {
            hi: vec![0; width + 4],
            lo: vec![0; width + 4],
            ring: vec![0; 5 * width],
        }
    }
}

/// The motion SAD of one CPU level with its scratch rows (sized for one picture width).
#[derive(Debug, Clone)]
pub struct SadKernel {
    imp: Imp,
    width: usize,
    /// Scalar scratch: one row of the vertical pass.
    y_row: Vec<i32>,
    scratch: Scratch,
}

impl SadKernel {
    /// The best implementation at or below `level` that this CPU runs, for planes of `width`
    /// samples.
    pub fn new(level: CpuLevel, width: usize) -> SadKernel {
        let mut imp = Imp::Scalar;
        #[cfg(target_arch = "x86_64")]
        {
            if level >= CpuLevel::Avx2 {
                if let Some(t) = Avx2::new() {
                    imp = Imp::Avx2(t);
                }
            }
        }
        let _ = level;
        SadKernel {
            imp,
            width,
            y_row: vec![0; width],
            scratch: Scratch::new(width),
        }
    }

    /// The level in use.
    pub fn level(&self) -> CpuLevel {
        match self.imp {
            Imp::Scalar => CpuLevel::Scalar,
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(_) => CpuLevel::Avx2,
        }
    }

    fn fit(&mut self, w: usize) {
        if w > self.width {
            *self = SadKernel::new(self.level(), w);
        }
    }

    /// [`scalar::motion_sad`] of two 8-bit planes (same size, at least 3×3).
    pub fn sad_u8(&mut self, prev: &Plane<'_, u8>, cur: &Plane<'_, u8>, bpc: u32) -> u64 {
        self.fit(prev.width());
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.motion_sad_u8(prev, cur, bpc, &mut self.scratch),
            Imp::Scalar => scalar::motion_sad(prev, cur, bpc, &mut self.y_row),
        }
    }

    /// [`scalar::motion_sad`] of two 9–16-bit planes (same size, at least 3×3).
    pub fn sad_u16(&mut self, prev: &Plane<'_, u16>, cur: &Plane<'_, u16>, bpc: u32) -> u64 {
        self.fit(prev.width());
        match self.imp {
            #[cfg(target_arch = "x86_64")]
            Imp::Avx2(t) => t.motion_sad_u16(prev, cur, bpc, &mut self.scratch),
            Imp::Scalar => scalar::motion_sad(prev, cur, bpc, &mut self.y_row),
        }
    }
}
