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

/// Proof that the running CPU supports AVX2, a zero-sized token: the only way to call the
/// crate's AVX2 kernels, which each feature adds to it as methods in its own `avx2` module.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub struct Avx2(());

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    /// `Some` when the CPU supports AVX2.
    pub fn new() -> Option<Avx2> {
        if std::arch::is_x86_feature_detected!("avx2") {
            Some(Avx2(()))
        } else {
            None
        }
    }

    /// `Some` when the dispatch level ([`cpu_level`]) is AVX2 or above (and so is the CPU).
    pub fn at_level() -> Option<Avx2> {
        if cpu_level() >= CpuLevel::Avx2 {
            Avx2::new()
        } else {
            None
        }
    }
}

/// Bounds-checked loads and stores of 8 `f32` lanes for the AVX2 float kernels: slices in,
/// the only `unsafe` is the access itself.
#[cfg(target_arch = "x86_64")]
pub(crate) mod f32x8 {
    use std::arch::x86_64::*;

    /// Lane mask of the first `n ≤ 8` lanes.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn first_lanes(n: usize) -> __m256i {
        _mm256_cmpgt_epi32(
            _mm256_set1_epi32(n as i32),
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
        )
    }

    /// `s[i..i + 8]`.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn load(s: &[f32], i: usize) -> __m256 {
        let s = &s[i..i + 8];
        // SAFETY: 8 in-bounds f32; unaligned load.
        unsafe { _mm256_loadu_ps(s.as_ptr()) }
    }

    /// `s[i..i + n]` in the first `n ≤ 8` lanes, zeros above (a masked load: nothing past
    /// `i + n` is read).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn load_n(s: &[f32], i: usize, n: usize) -> __m256 {
        if n >= 8 {
            return load(s, i);
        }
        let s = &s[i..i + n];
        // SAFETY: the mask enables lanes `0..n`, all inside `s`; masked-off lanes are not read.
        unsafe { _mm256_maskload_ps(s.as_ptr(), first_lanes(n)) }
    }

    /// Writes `v` to `s[i..i + 8]`.
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn store(s: &mut [f32], i: usize, v: __m256) {
        let s = &mut s[i..i + 8];
        // SAFETY: 8 in-bounds f32 of a unique borrow; unaligned store.
        unsafe { _mm256_storeu_ps(s.as_mut_ptr(), v) }
    }

    /// One 32-bit lane mask from two `f64` comparison masks, of lanes 0-3 (`lo`) and 4-7
    /// (`hi`).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn pack_mask(lo: __m256d, hi: __m256d) -> __m256 {
        // the low halves of the 64-bit masks: (lo0 lo1 hi0 hi1 | lo2 lo3 hi2 hi3) as 64-bit
        // pairs, then the pairs reordered 0 2 1 3
        let packed = _mm256_shuffle_ps::<0b10_00_10_00>(_mm256_castpd_ps(lo), _mm256_castpd_ps(hi));
        _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(
            packed,
        )))
    }

    /// Writes the first `n ≤ 8` lanes of `v` to `s[i..i + n]` (a masked store).
    #[inline]
    #[target_feature(enable = "avx2")]
    pub(crate) fn store_n(s: &mut [f32], i: usize, n: usize, v: __m256) {
        if n >= 8 {
            return store(s, i, v);
        }
        let s = &mut s[i..i + n];
        // SAFETY: the mask enables lanes `0..n`, all inside `s`; masked-off lanes are not
        // written.
        unsafe { _mm256_maskstore_ps(s.as_mut_ptr(), first_lanes(n), v) }
    }
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
