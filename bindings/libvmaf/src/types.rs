//! The C types of libvmaf 3.2's public headers, with libvmaf's exact layouts (x86-64 SysV:
//! `VmafConfiguration` 32 bytes, `VmafPicture` 96, `VmafModelConfig` 16,
//! `VmafModelCollectionScore` 40, `VmafPictureConfiguration` 20; see `tests/abi.rs`).
//!
//! Enums are declared as Rust enums so that the generated header carries them, but every value
//! that crosses the boundary (struct fields, arguments) is a plain `c_uint` alias: a C caller may
//! pass any integer, and an out-of-range value must be rejected, not be undefined behaviour. The
//! header generator renames those aliases back to the enum types, so C sees libvmaf's
//! declarations (`enum VmafPixelFormat pix_fmt`, ...).

#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_uint, c_void};

/// How verbose the library's log (stderr) is.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmafLogLevel {
    /// Nothing.
    VMAF_LOG_LEVEL_NONE = 0,
    /// Errors.
    VMAF_LOG_LEVEL_ERROR = 1,
    /// Errors and warnings.
    VMAF_LOG_LEVEL_WARNING = 2,
    /// Errors, warnings and information (the default before `vmaf_init`).
    VMAF_LOG_LEVEL_INFO = 3,
    /// Everything.
    VMAF_LOG_LEVEL_DEBUG = 4,
}

/// Output file formats of `vmaf_write_output`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmafOutputFormat {
    /// No output (rejected by `vmaf_write_output`).
    VMAF_OUTPUT_FORMAT_NONE = 0,
    /// libvmaf's XML.
    VMAF_OUTPUT_FORMAT_XML = 1,
    /// libvmaf's JSON.
    VMAF_OUTPUT_FORMAT_JSON = 2,
    /// CSV, one row per frame.
    VMAF_OUTPUT_FORMAT_CSV = 3,
    /// MicroDVD subtitles.
    VMAF_OUTPUT_FORMAT_SUB = 4,
}

/// Temporal pooling methods.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmafPoolingMethod {
    /// Invalid.
    VMAF_POOL_METHOD_UNKNOWN = 0,
    /// Minimum.
    VMAF_POOL_METHOD_MIN = 1,
    /// Maximum.
    VMAF_POOL_METHOD_MAX = 2,
    /// Arithmetic mean.
    VMAF_POOL_METHOD_MEAN = 3,
    /// libvmaf's harmonic mean, `n / sum(1 / (x + 1)) - 1`.
    VMAF_POOL_METHOD_HARMONIC_MEAN = 4,
    /// Number of methods (invalid as a method).
    VMAF_POOL_METHOD_NB = 5,
}

/// Pixel formats (planar YUV).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmafPixelFormat {
    /// Invalid.
    VMAF_PIX_FMT_UNKNOWN = 0,
    /// 4:2:0.
    VMAF_PIX_FMT_YUV420P = 1,
    /// 4:2:2.
    VMAF_PIX_FMT_YUV422P = 2,
    /// 4:4:4.
    VMAF_PIX_FMT_YUV444P = 3,
    /// Luma only.
    VMAF_PIX_FMT_YUV400P = 4,
}

/// Model load flags (`VmafModelConfig.flags`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmafModelFlags {
    /// No flag.
    VMAF_MODEL_FLAGS_DEFAULT = 0,
    /// Do not clip scores to the model's range.
    VMAF_MODEL_FLAG_DISABLE_CLIP = 1,
    /// Apply the model's score transform.
    VMAF_MODEL_FLAG_ENABLE_TRANSFORM = 2,
    /// Internal (bootstrap raw scores); ignored in `VmafModelConfig`.
    VMAF_MODEL_FLAG_DISABLE_TRANSFORM = 4,
}

/// Kind of a model-collection score.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmafModelCollectionScoreType {
    /// Not set.
    VMAF_MODEL_COLLECTION_SCORE_UNKNOWN = 0,
    /// Bootstrap statistics.
    VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP = 1,
}

/// A `VmafLogLevel` as it crosses the boundary (any integer; `enum VmafLogLevel` in C).
pub type VmafLogLevelRaw = c_uint;
/// A `VmafOutputFormat` as it crosses the boundary (`enum VmafOutputFormat` in C).
pub type VmafOutputFormatRaw = c_uint;
/// A `VmafPoolingMethod` as it crosses the boundary (`enum VmafPoolingMethod` in C).
pub type VmafPoolingMethodRaw = c_uint;
/// A `VmafPixelFormat` as it crosses the boundary (`enum VmafPixelFormat` in C).
pub type VmafPixelFormatRaw = c_uint;
/// A `VmafModelCollectionScoreType` as it crosses the boundary.
pub type VmafModelCollectionScoreTypeRaw = c_uint;

/// Configuration of a context, passed by value to `vmaf_init`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafConfiguration {
    /// Log verbosity (process-wide, as in libvmaf).
    pub log_level: VmafLogLevelRaw,
    /// Worker threads (0: everything on the calling thread).
    pub n_threads: c_uint,
    /// Score every N-th frame only (0 or 1: every frame).
    pub n_subsample: c_uint,
    /// Instruction sets to disable: 1 SSE2, 2 SSE3/SSSE3, 4 SSE4.1, 8 AVX2, 16 AVX-512,
    /// 32 AVX-512ICL. Only changes speed: every path gives the same numbers.
    pub cpumask: u64,
    /// GPU mask (there is no GPU path; ignored).
    pub gpumask: u64,
}

/// Reference count and storage of a picture (opaque).
pub use crate::picture::VmafRef;

/// A picture: planar samples, 8-bit in bytes, 9–16 bit in little-endian `uint16_t`.
///
/// Allocate with `vmaf_picture_alloc` (or fetch from the pool), write `data[i]` rows
/// `stride[i]` bytes apart for `w[i]` x `h[i]` samples, then hand it to `vmaf_read_pictures`
/// (which takes ownership) or release it with `vmaf_picture_unref`. Chroma sizes are libvmaf's
/// (rounded down); `ref` and `priv` belong to the library.
///
/// cbindgen:field-names=[pix_fmt, bpc, w, h, stride, data, ref, priv]
#[repr(C)]
#[derive(Debug)]
pub struct VmafPicture {
    /// Pixel format.
    pub pix_fmt: VmafPixelFormatRaw,
    /// Bits per sample (8..=16).
    pub bpc: c_uint,
    /// Plane widths in samples.
    pub w: [c_uint; 3],
    /// Plane heights in rows.
    pub h: [c_uint; 3],
    /// Distance between rows, in bytes.
    pub stride: [isize; 3],
    /// Plane pointers (`NULL` for missing chroma planes).
    pub data: [*mut c_void; 3],
    /// Library-owned reference.
    pub ref_: *mut VmafRef,
    /// Library-owned.
    pub priv_: *mut c_void,
}

/// How to load a model.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafModelConfig {
    /// Name of the model's score (`NULL`: "vmaf").
    pub name: *const c_char,
    /// `VmafModelFlags` bits.
    pub flags: u64,
}

/// The 95 % confidence interval of a bootstrap score.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VmafConfidenceInterval95 {
    /// 2.5th percentile.
    pub lo: f64,
    /// 97.5th percentile.
    pub hi: f64,
}

/// Confidence intervals of a bootstrap score.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VmafConfidenceIntervals {
    /// 95 % interval.
    pub p95: VmafConfidenceInterval95,
}

/// Bootstrap statistics of a model collection.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VmafBootstrapScore {
    /// Mean of the member scores, transformed and clipped.
    pub bagging_score: f64,
    /// Standard deviation of the member scores.
    pub stddev: f64,
    /// Confidence intervals.
    pub ci: VmafConfidenceIntervals,
}

/// A model collection's score (libvmaf nests anonymous structs; the layout is the same).
///
/// cbindgen:field-names=[type, bootstrap]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafModelCollectionScore {
    /// `VmafModelCollectionScoreType`.
    pub type_: VmafModelCollectionScoreTypeRaw,
    /// Bootstrap statistics.
    pub bootstrap: VmafBootstrapScore,
}

/// Picture parameters of a picture pool.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafPictureParams {
    /// Luma width.
    pub w: c_uint,
    /// Luma height.
    pub h: c_uint,
    /// Bits per sample.
    pub bpc: c_uint,
    /// Pixel format.
    pub pix_fmt: VmafPixelFormatRaw,
}

/// Picture pool configuration for `vmaf_preallocate_pictures` (by value).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafPictureConfiguration {
    /// Picture parameters.
    pub pic_params: VmafPictureParams,
    /// Number of pictures in the pool.
    pub pic_cnt: c_uint,
}

/// libvmaf's API version, major (`version.h`).
pub const VMAF_API_VERSION_MAJOR: u32 = 3;
/// libvmaf's API version, minor.
pub const VMAF_API_VERSION_MINOR: u32 = 2;
/// libvmaf's API version, patch.
pub const VMAF_API_VERSION_PATCH: u32 = 0;
