//! CPU feature levels for SIMD dispatch.
//!
//! The level is detected once; `RVMAF_CPU=scalar|avx2|avx512` (or [`set_cpu_level`]) lowers
//! it so tests and users can force a path. A request above what the CPU supports is clamped.

use std::sync::atomic::{AtomicU8, Ordering};

/// An instruction-set level, ordered from least to most capable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CpuLevel {
    /// Portable scalar code (the reference).
    Scalar = 0,
    /// x86-64 AVX2 (+FMA, BMI2).
    Avx2 = 1,
    /// x86-64 AVX-512 (F, BW, DQ, VL).
    Avx512 = 2,
}

impl CpuLevel {
    /// Parses `scalar`, `avx2` or `avx512`.
    pub fn parse(s: &str) -> Option<CpuLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scalar" | "none" | "c" => Some(CpuLevel::Scalar),
            "avx2" => Some(CpuLevel::Avx2),
            "avx512" => Some(CpuLevel::Avx512),
            _ => None,
        }
    }
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            CpuLevel::Scalar => "scalar",
            CpuLevel::Avx2 => "avx2",
            CpuLevel::Avx512 => "avx512",
        }
    }
    fn from_u8(v: u8) -> CpuLevel {
        match v {
            2 => CpuLevel::Avx512,
            1 => CpuLevel::Avx2,
            _ => CpuLevel::Scalar,
        }
    }
}

/// The best level this CPU supports.
pub fn detected_cpu_level() -> CpuLevel {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512dq")
            && std::arch::is_x86_feature_detected!("avx512vl")
            && std::arch::is_x86_feature_detected!("avx2")
        {
            return CpuLevel::Avx512;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return CpuLevel::Avx2;
        }
    }
    CpuLevel::Scalar
}

const UNSET: u8 = 0xff;
static LEVEL: AtomicU8 = AtomicU8::new(UNSET);

/// The level kernels dispatch to: detected, lowered by `RVMAF_CPU` and [`set_cpu_level`].
pub fn cpu_level() -> CpuLevel {
    let v = LEVEL.load(Ordering::Relaxed);
    if v != UNSET {
        return CpuLevel::from_u8(v);
    }
    let mut lvl = detected_cpu_level();
    if let Ok(s) = std::env::var("RVMAF_CPU") {
        if let Some(req) = CpuLevel::parse(&s) {
            lvl = lvl.min(req);
        }
    }
    LEVEL.store(lvl as u8, Ordering::Relaxed);
    lvl
}

/// Forces the dispatch level (clamped to what the CPU supports); returns the level in effect.
pub fn set_cpu_level(level: CpuLevel) -> CpuLevel {
    let lvl = detected_cpu_level().min(level);
    LEVEL.store(lvl as u8, Ordering::Relaxed);
    lvl
}

/// Every level this CPU can run, lowest first (for parity tests).
pub fn available_levels() -> Vec<CpuLevel> {
    let best = detected_cpu_level();
    [CpuLevel::Scalar, CpuLevel::Avx2, CpuLevel::Avx512]
        .into_iter()
        .filter(|l| *l <= best)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_clamps() {
        let best = detected_cpu_level();
        assert_eq!(set_cpu_level(CpuLevel::Scalar), CpuLevel::Scalar);
        assert_eq!(cpu_level(), CpuLevel::Scalar);
        assert_eq!(set_cpu_level(CpuLevel::Avx512), best);
        assert_eq!(CpuLevel::parse("AVX2"), Some(CpuLevel::Avx2));
        assert!(available_levels().contains(&CpuLevel::Scalar));
    }
}
