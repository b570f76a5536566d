//! CAMBI, Netflix's contrast-aware multiscale banding index (libvmaf `cambi.c`, scalar path).
//!
//! CAMBI is a no-reference metric: it scores one picture at a time. [`CambiScorer`] and
//! [`cambi_scores`] score a single stream; the registered extractor ([`DEF`]) scores the
//! distorted picture of each pair and, with `full_ref=true`, also the reference
//! (`cambi_source`) and their clipped difference (`cambi_full_reference`).
//!
//! Per frame: the luma plane is checked against its bit depth, resampled (nearest neighbour) to
//! the encoding size, converted to 10 bits and, for encodes below 10 bits, smoothed by a 2×2
//! anti-dithering filter. A spatial mask keeps flat areas. On five scales (each decimated 2:1)
//! a 3×3 mode filter runs, then per pixel a c-value measures how many pixels of the window
//! differ by a barely visible luma step; the top-k c-values are averaged per scale and the
//! scales are weighted 16:8:4:2:1 and normalised by the window area.
//!
//! `heatmaps_path` writes libvmaf's raw heatmaps and PNG images of them (see [`heatmap`]).
//!
//! Where libvmaf's behaviour is undefined or crashes, rvmaf does this instead:
//! * scales shorter than half the window (very wide, very flat pictures): libvmaf reads before
//!   its buffers; rvmaf refuses the size at creation;
//! * `cambi_vis_lum_threshold` so high that no luma step can be visible (e.g. 100 with the
//!   defaults): libvmaf writes before its histogram buffer and crashes; rvmaf returns 0, the
//!   value the algorithm defines (every c-value is 0);
//! * a visibility threshold above the EOTF's peak: libvmaf never returns; rvmaf refuses it.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::features::{output_names, Extractor, ExtractorDef, FrameInput, FrameScores};
use crate::frame::{Geometry, PictureView, PixelFormat, Plane, PlaneRef};
use crate::options::{FeatureDict, OptKind, OptSpec, Options};

#[cfg(target_arch = "x86_64")]
pub mod avx2;
pub mod heatmap;
pub mod kernels;
pub mod luminance;
mod lut;
pub mod scalar;

pub use luminance::Eotf;
pub use lut::{RECIPROCAL_LUT, RECIPROCAL_LUT_SIZE};

use crate::cpu::{cpu_level, CpuLevel};
use heatmap::Heatmaps;
use kernels::CambiKernels;
use scalar::{CValueParams, To10Bit};

/// Smallest width and height libvmaf accepts (one of the two must reach it).
pub const CAMBI_MIN_WIDTH_HEIGHT: usize = 216;
/// Number of scales.
pub const NUM_SCALES: usize = 5;
const DEFAULT_TOPK: f64 = 0.6;
const DEFAULT_EOTF: &str = "bt1886";

/// libvmaf's option table of `cambi` (cambi.c: options), in its order.
pub static OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "cambi_max_val",
        alias: Some("cmxv"),
        kind: OptKind::Double {
            default: 1000.0,
            min: 0.0,
            max: 1000.0,
        },
        param: true,
        help: "maximum value allowed; larger values will be clipped to this value",
    },
    OptSpec {
        name: "enc_width",
        alias: Some("encw"),
        kind: OptKind::Int {
            default: 0,
            min: 180,
            max: 7680,
        },
        param: true,
        help: "Encoding width",
    },
    OptSpec {
        name: "enc_height",
        alias: Some("ench"),
        kind: OptKind::Int {
            default: 0,
            min: 150,
            max: 7680,
        },
        param: true,
        help: "Encoding height",
    },
    OptSpec {
        name: "enc_bitdepth",
        alias: Some("encbd"),
        kind: OptKind::Int {
            default: 0,
            min: 6,
            max: 16,
        },
        param: true,
        help: "Encoding bitdepth",
    },
    OptSpec {
        name: "src_width",
        alias: Some("srcw"),
        kind: OptKind::Int {
            default: 0,
            min: 320,
            max: 7680,
        },
        param: true,
        help: "Source width. Only used when full_ref=true.",
    },
    OptSpec {
        name: "src_height",
        alias: Some("srch"),
        kind: OptKind::Int {
            default: 0,
            min: 200,
            max: 4320,
        },
        param: true,
        help: "Source height. Only used when full_ref=true.",
    },
    OptSpec {
        name: "window_size",
        alias: Some("ws"),
        kind: OptKind::Int {
            default: 65,
            min: 15,
            max: 127,
        },
        param: true,
        help: "Window size to compute CAMBI: 65 corresponds to ~1 degree at 4k",
    },
    OptSpec {
        name: "topk",
        alias: None,
        kind: OptKind::Double {
            default: DEFAULT_TOPK,
            min: 0.0001,
            max: 1.0,
        },
        param: true,
        help: "Ratio of pixels for the spatial pooling computation, must be 0 < topk <= 1.0",
    },
    OptSpec {
        name: "cambi_topk",
        alias: Some("ctpk"),
        kind: OptKind::Double {
            default: DEFAULT_TOPK,
            min: 0.0001,
            max: 1.0,
        },
        param: true,
        help: "Ratio of pixels for the spatial pooling computation, must be 0 < cambi_topk <= 1.0",
    },
    OptSpec {
        name: "tvi_threshold",
        alias: Some("tvit"),
        kind: OptKind::Double {
            default: 0.019,
            min: 0.0001,
            max: 1.0,
        },
        param: true,
        help: "Visibilty threshold for luminance ΔL < tvi_threshold*L_mean",
    },
    OptSpec {
        name: "cambi_vis_lum_threshold",
        alias: Some("vlt"),
        kind: OptKind::Double {
            default: 0.0,
            min: 0.0,
            max: 300.0,
        },
        param: true,
        help: "Luminance value below which we assume any banding is not visible",
    },
    OptSpec {
        name: "max_log_contrast",
        alias: Some("mlc"),
        kind: OptKind::Int {
            default: 2,
            min: 0,
            max: 5,
        },
        param: true,
        help: "Maximum contrast in log luma level (2^max_log_contrast) at 10-bits, e.g., 2 is \
               equivalent to 4 luma levels at 10-bit and 1 luma level at 8-bit. From 0 to 5: \
               default 2 is recommended for banding from compression.",
    },
    OptSpec {
        name: "heatmaps_path",
        alias: None,
        kind: OptKind::Str { default: "" },
        param: false,
        help: "Path where heatmaps will be dumped.",
    },
    OptSpec {
        name: "full_ref",
        alias: None,
        kind: OptKind::Bool { default: false },
        param: false,
        help: "If true, CAMBI will be run in full-reference mode and will be computed on both \
               the reference and distorted inputs",
    },
    OptSpec {
        name: "eotf",
        alias: None,
        kind: OptKind::Str {
            default: DEFAULT_EOTF,
        },
        param: true,
        help: "Determines the EOTF used to compute the visibility thresholds. Possible values: \
               ['bt1886', 'pq']. Default: 'bt1886'",
    },
    OptSpec {
        name: "cambi_eotf",
        alias: Some("ceot"),
        kind: OptKind::Str {
            default: DEFAULT_EOTF,
        },
        param: true,
        help: "Determines the EOTF used to compute the visibility thresholds. Possible values: \
               ['bt1886', 'pq']. Default: 'bt1886'. If both eotf and cambi_eotf are set, \
               cambi_eotf takes precedence.",
    },
    OptSpec {
        name: "cambi_high_res_speedup",
        alias: Some("hrs"),
        kind: OptKind::Int {
            default: 0,
            min: 0,
            max: 2160,
        },
        param: true,
        help: "Speed up the processing by downsampling post spatial mask for resolutions >= \
               1080p. Min speed-up resolution possible values: [1080, 1440, 2160, 0]. Default: 0 \
               (not applied)Note some loss of accuracy is expected with this speedup.",
    },
];

/// The `cambi` extractor.
pub static DEF: ExtractorDef = ExtractorDef {
    name: "cambi",
    provided: &["Cambi_feature_cambi_score"],
    options: OPTIONS,
    temporal: false,
    prev_ref: false,
    create: create_extractor,
};

/// Key of the reference score in full-reference mode (written raw, never suffixed).
pub const SOURCE_FEATURE: &str = "cambi_source";
/// Key of the combined score in full-reference mode (written raw, never suffixed).
pub const FULL_REFERENCE_FEATURE: &str = "cambi_full_reference";

/// C's `MIN(x, y)`.
fn c_min(x: f64, y: f64) -> f64 {
    if x < y {
        x
    } else {
        y
    }
}

fn einval(msg: impl Into<String>) -> Error {
    Error::extraction("cambi", msg)
}

fn bad_option(msg: String) -> Error {
    Error::FeatureOption {
        extractor: DEF.name.to_string(),
        message: msg,
    }
}

/// Window size scaled to the picture (cambi.c: adjust_window_size):
/// `((ws * (w + h)) / 375) >> 4`, halved (rounding up) with the high-resolution speed-up,
/// then made odd.
pub fn adjust_window_size(window_size: u16, width: usize, height: usize, speedup: bool) -> u16 {
    let mut ws = (((window_size as u64 * (width + height) as u64) / 375) >> 4) as u16;
    if speedup {
        ws = (ws + 1) >> 1;
    }
    ws | 1
}

/// What libvmaf's `init` derives from the options and the input geometry.
#[derive(Debug, Clone)]
pub struct CambiSettings {
    /// Size the distorted picture is scored at.
    pub enc_width: usize,
    /// See `enc_width`.
    pub enc_height: usize,
    /// Bit depth of the encode (below 10: anti-dithering filter on).
    pub enc_bitdepth: u32,
    /// Size the reference is scored at (full-reference mode).
    pub src_width: usize,
    /// See `src_width`.
    pub src_height: usize,
    /// Adjusted window of the distorted pass.
    pub window_size: u16,
    /// Adjusted window of the reference pass.
    pub src_window_size: u16,
    /// Fraction of c-values pooled per scale (`topk` if it differs from 0.6, else `cambi_topk`).
    pub topk: f64,
    /// Scores are clipped to this value.
    pub max_val: f64,
    /// EOTF of the visibility model (`cambi_eotf` if it differs from bt1886, else `eotf`).
    pub eotf: Eotf,
    /// High-resolution speed-up actually in effect (needs the encode to reach its resolution).
    pub high_res_speedup: bool,
    /// Full-reference mode.
    pub full_ref: bool,
    /// Where heatmaps go, if anywhere.
    pub heatmaps_path: Option<PathBuf>,
    /// Visibility thresholds, weights and histogram band.
    pub params: CValueParams,
    alloc_width: usize,
    alloc_height: usize,
}

impl CambiSettings {
    /// Validates and resolves `options` for pictures of `geometry` (cambi.c: init).
    pub fn resolve(options: &Options, geometry: Geometry) -> Result<Self> {
        if options.extractor() != DEF.name {
            return Err(Error::invalid(format!(
                "options of \"{}\" given to cambi",
                options.extractor()
            )));
        }
        let (w, h) = (geometry.width, geometry.height);
        let opt_dim = |name: &str| options.int(name).max(0) as usize;
        let enc_bitdepth = match options.int("enc_bitdepth") {
            0 => geometry.bit_depth,
            b => b as u32,
        };
        let (mut enc_width, mut enc_height) = (opt_dim("enc_width"), opt_dim("enc_height"));
        if enc_width == 0 || enc_height == 0 {
            (enc_width, enc_height) = (w, h);
        }
        let (mut src_width, mut src_height) = (opt_dim("src_width"), opt_dim("src_height"));
        if src_width == 0 || src_height == 0 {
            (src_width, src_height) = (w, h);
        }
        // A downscaled encode is not upscaled back.
        if enc_height > h || enc_width > w {
            (enc_width, enc_height) = (w, h);
        }
        let min = CAMBI_MIN_WIDTH_HEIGHT;
        if enc_width < min && enc_height < min {
            return Err(einval(format!(
                "encoding size {enc_width}x{enc_height} is too small: width or height must be at \
                 least {min}"
            )));
        }
        if src_width < min && src_height < min {
            return Err(einval(format!(
                "source size {src_width}x{src_height} is too small: width or height must be at \
                 least {min}"
            )));
        }
        if (src_width > enc_width && src_height < enc_height)
            || (src_width < enc_width && src_height > enc_height)
        {
            return Err(einval(format!(
                "source size {src_width}x{src_height} and encoding size {enc_width}x{enc_height} \
                 must be scaled the same way in both directions"
            )));
        }
        let enc_pixels = enc_width * enc_height;
        let high_res_speedup = match options.int("cambi_high_res_speedup") {
            1080 => enc_pixels >= 1920 * 1080,
            1440 => enc_pixels >= 2560 * 1440,
            2160 => enc_pixels >= 3840 * 2160,
            _ => false,
        };
        let full_ref = options.bool("full_ref");
        let (alloc_width, alloc_height) = if full_ref {
            (src_width.max(enc_width), src_height.max(enc_height))
        } else {
            (enc_width, enc_height)
        };

        let num_diffs = 1u16 << options.int("max_log_contrast");
        let eotf_name = if options.string("cambi_eotf") != DEFAULT_EOTF {
            options.string("cambi_eotf")
        } else {
            options.string("eotf")
        };
        let eotf = Eotf::parse(eotf_name).ok_or_else(|| {
            bad_option(format!("unknown EOTF \"{eotf_name}\" (known: bt1886, pq)"))
        })?;
        let tvi_threshold = options.double("tvi_threshold");
        let tvi_for_diff: Vec<u16> = (1..=num_diffs as i32)
            .map(|d| {
                (luminance::tvi_for_diff(d, tvi_threshold, eotf) as u16).wrapping_add(num_diffs)
            })
            .collect();
        let vlt = options.double("cambi_vis_lum_threshold");
        let vlt_luma = luminance::vlt_luma(vlt, eotf).ok_or_else(|| {
            bad_option(format!(
                "cambi_vis_lum_threshold {vlt} is above the peak luminance {} of the EOTF \
                 (libvmaf never returns)",
                luminance::luminance(luminance::LUMA_HEAD, eotf)
            ))
        })?;

        let ws = options.int("window_size") as u16;
        let window_size = adjust_window_size(ws, enc_width, enc_height, high_res_speedup);
        let src_window_size = adjust_window_size(ws, src_width, src_height, high_res_speedup);
        let max_window = window_size.max(src_window_size) as usize;
        if max_window * max_window >= RECIPROCAL_LUT_SIZE {
            return Err(einval(format!(
                "window_size {max_window} too large for reciprocal LUT"
            )));
        }

        let topk = if options.double("topk") != DEFAULT_TOPK {
            options.double("topk")
        } else {
            options.double("cambi_topk")
        };
        let heatmaps_path = match options.string("heatmaps_path") {
            "" => None,
            p => Some(PathBuf::from(p)),
        };
        let settings = CambiSettings {
            enc_width,
            enc_height,
            enc_bitdepth,
            src_width,
            src_height,
            window_size,
            src_window_size,
            topk,
            max_val: options.double("cambi_max_val"),
            eotf,
            high_res_speedup,
            full_ref,
            heatmaps_path,
            params: CValueParams::new(num_diffs, tvi_for_diff, vlt_luma),
            alloc_width,
            alloc_height,
        };
        settings.check_window_fits(enc_width, enc_height, window_size)?;
        if full_ref {
            settings.check_window_fits(src_width, src_height, src_window_size)?;
        }
        Ok(settings)
    }

    /// libvmaf reads outside its buffers when a scale is shorter than half the window (the
    /// histogram pass then visits negative rows); refuse those sizes instead.
    fn check_window_fits(&self, width: usize, height: usize, window: u16) -> Result<()> {
        let pad = (window >> 1) as usize;
        let (mut w, mut h) = (width, height);
        for scale in 0..NUM_SCALES {
            if scale > 0 || self.high_res_speedup {
                w = w.div_ceil(2);
                h = h.div_ceil(2);
            }
            if h < pad || (h == pad && pad >= self.alloc_height) {
                return Err(einval(format!(
                    "{width}x{height} is too flat for the {window}-pixel window: scale {scale} \
                     is {w}x{h} (libvmaf reads outside its buffers there)"
                )));
            }
        }
        Ok(())
    }
}

/// The sample libvmaf's own picture (as its CLI allocates it) holds at linear position
/// (x, y) of the luma plane, for positions outside the picture: rows are padded with zeros to
/// a multiple of 32 samples, and the chroma planes (floor-sized, padded likewise) follow the
/// luma plane. The nearest-neighbour resampler of libvmaf can index one sample past the last
/// column or row for some sizes (accumulated `f32` rounding, e.g. 6254 -> 6195 columns); this
/// reproduces what it reads there.
fn outside_sample(pic: &PictureView<'_>, x: usize, y: usize) -> u32 {
    let (w, h) = (pic.width(), pic.height());
    let stride = scalar::aligned_stride(w);
    let mut off = y * stride + x;
    if off < stride * h {
        let (r, c) = (off / stride, off % stride);
        return if c < w { pic.luma().at(c, r) } else { 0 };
    }
    off -= stride * h;
    let (cw, ch) = match pic.format() {
        PixelFormat::Yuv400 => return 0,
        PixelFormat::Yuv420 => (w >> 1, h >> 1),
        PixelFormat::Yuv422 => (w >> 1, h),
        PixelFormat::Yuv444 => (w, h),
    };
    let cstride = scalar::aligned_stride(cw);
    for p in 1..3 {
        if off < cstride * ch {
            let (r, c) = (off / cstride, off % cstride);
            return if c < cw { pic.plane(p).at(c, r) } else { 0 };
        }
        off -= cstride * ch;
    }
    0
}

/// Per-instance state: settings, the two 10-bit work planes and every scratch buffer.
#[derive(Debug)]
struct Core {
    settings: CambiSettings,
    geometry: Geometry,
    /// Work plane (libvmaf `pics[0]`), `stride * alloc_height` samples.
    image: Vec<u16>,
    /// Mask plane (libvmaf `pics[1]`).
    mask: Vec<u16>,
    stride: usize,
    c_values: Vec<f32>,
    kernels: CambiKernels,
    scratch: kernels::Scratch,
    xs: Vec<usize>,
    ys: Vec<usize>,
    heatmaps: Option<Heatmaps>,
}

impl Core {
    fn new(settings: CambiSettings, geometry: Geometry, level: CpuLevel) -> Result<Self> {
        let (aw, ah) = (settings.alloc_width, settings.alloc_height);
        let stride = scalar::aligned_stride(aw);
        let heatmaps = match &settings.heatmaps_path {
            Some(dir) => {
                let max_weight = *settings.params.diff_weights.iter().max().unwrap_or(&1);
                Some(Heatmaps::create(
                    dir,
                    settings.enc_width,
                    settings.enc_height,
                    settings.window_size,
                    max_weight,
                    aw * ah,
                )?)
            }
            None => None,
        };
        Ok(Core {
            image: vec![0; stride * ah],
            mask: vec![0; stride * ah],
            stride,
            c_values: vec![0.0; aw * ah + kernels::C_VALUES_SLACK],
            kernels: CambiKernels::new(level),
            scratch: kernels::Scratch::new(aw, settings.params.band_size as usize),
            xs: vec![0; aw],
            ys: vec![0; ah],
            heatmaps,
            settings,
            geometry,
        })
    }

    /// Range check, resampling, 10-bit conversion and anti-dithering of the luma plane into
    /// the work plane (cambi.c: cambi_preprocessing).
    fn preprocess(&mut self, pic: &PictureView<'_>, width: usize, height: usize) -> Result<()> {
        if self.kernels.level() > CpuLevel::Scalar && pic.width() == width && pic.height() == height
        {
            return self.preprocess_same_size(pic);
        }
        match pic.luma() {
            PlaneRef::U8(p) => self.preprocess_plane(pic, p, width, height),
            PlaneRef::U16(p) => self.preprocess_plane(pic, p, width, height),
        }
    }

    /// [`Self::preprocess`] without resampling, row by row through the kernels (the same
    /// samples as the per-sample path).
    fn preprocess_same_size(&mut self, pic: &PictureView<'_>) -> Result<()> {
        let bpc = pic.bit_depth();
        let (w, h) = (pic.width(), pic.height());
        let k = self.kernels;
        match pic.luma() {
            PlaneRef::U8(p) => {
                let conv = To10Bit::for_depth(bpc);
                for (i, row) in p.rows().enumerate() {
                    let dst = &mut self.image[i * self.stride..i * self.stride + w];
                    k.convert_row_u8(row, dst, conv);
                }
            }
            PlaneRef::U16(p) => {
                if bpc != 16 {
                    let max = (1u32 << bpc) - 1;
                    if p.rows().any(|r| k.max_u16(r) as u32 > max) {
                        return Err(einval(format!(
                            "invalid input: the luma plane contains values greater than {max}, \
                             the maximum for {bpc}-bit content"
                        )));
                    }
                }
                if bpc == 10 {
                    // libvmaf's memcpy: rows land `aligned_stride(w)` apart, zero-padded
                    let in_stride = scalar::aligned_stride(w);
                    for (i, row) in p.rows().enumerate() {
                        let dst = &mut self.image[i * in_stride..(i + 1) * in_stride];
                        dst[..w].copy_from_slice(row);
                        dst[w..].fill(0);
                    }
                } else {
                    let conv = To10Bit::for_depth(bpc);
                    for (i, row) in p.rows().enumerate() {
                        let dst = &mut self.image[i * self.stride..i * self.stride + w];
                        k.convert_row_u16(row, dst, conv);
                    }
                }
            }
        }
        if self.settings.enc_bitdepth < 10 {
            k.anti_dithering_filter(&mut self.image, self.stride, w, h);
        }
        Ok(())
    }

    fn preprocess_plane<T: crate::frame::Pixel>(
        &mut self,
        pic: &PictureView<'_>,
        plane: Plane<'_, T>,
        width: usize,
        height: usize,
    ) -> Result<()> {
        let bpc = pic.bit_depth();
        let (in_w, in_h) = (pic.width(), pic.height());
        if bpc != 8 && bpc != 16 {
            let max = (1u32 << bpc) - 1;
            if plane.rows().any(|r| r.iter().any(|&v| v.into() > max)) {
                return Err(einval(format!(
                    "invalid input: the luma plane contains values greater than {max}, the \
                     maximum for {bpc}-bit content"
                )));
            }
        }
        let sample = |x: usize, y: usize| -> u32 {
            if x < in_w && y < in_h {
                plane.at(x, y).into()
            } else {
                outside_sample(pic, x, y)
            }
        };
        if bpc == 10 && in_w == width && in_h == height {
            scalar::copy_10b_linear(
                sample,
                in_w,
                in_h,
                scalar::aligned_stride(in_w),
                &mut self.image,
            );
        } else {
            scalar::resample_to_10b(
                sample,
                To10Bit::for_depth(bpc),
                in_w,
                in_h,
                &mut self.image,
                self.stride,
                width,
                height,
                &mut self.xs,
                &mut self.ys,
            );
        }
        if self.settings.enc_bitdepth < 10 {
            scalar::anti_dithering_filter(&mut self.image, self.stride, width, height);
        }
        Ok(())
    }

    /// Raw CAMBI score (before clipping to `cambi_max_val`) of `pic`, scored at the encoding
    /// size, or at the source size when `is_src` (cambi.c: preprocess_and_extract_cambi).
    fn score(&mut self, pic: &PictureView<'_>, is_src: bool, frame: usize) -> Result<f64> {
        if pic.geometry() != self.geometry {
            return Err(Error::Mismatch(format!(
                "cambi was set up for {}x{} {}-bit {} pictures, got {}x{} {}-bit {}",
                self.geometry.width,
                self.geometry.height,
                self.geometry.bit_depth,
                self.geometry.format.as_str(),
                pic.width(),
                pic.height(),
                pic.bit_depth(),
                pic.format().as_str()
            )));
        }
        let s = &self.settings;
        let (width, height, window) = if is_src {
            (s.src_width, s.src_height, s.src_window_size)
        } else {
            (s.enc_width, s.enc_height, s.window_size)
        };
        let topk = s.topk;
        let speedup = s.high_res_speedup;
        self.preprocess(pic, width, height)?;

        let stride = self.stride;
        let k = self.kernels;
        k.spatial_mask(
            &self.image,
            &mut self.mask,
            stride,
            width,
            height,
            &mut self.scratch,
        );
        let mut scores = [0.0f64; NUM_SCALES];
        let (mut w, mut h) = (width, height);
        for (scale, score) in scores.iter_mut().enumerate() {
            if scale > 0 || speedup {
                w = w.div_ceil(2);
                h = h.div_ceil(2);
                k.decimate(&mut self.image, stride, w, h);
                k.decimate(&mut self.mask, stride, w, h);
            }
            k.filter_mode(&mut self.image, stride, w, h, &mut self.scratch);
            k.calculate_c_values(
                &self.image,
                &self.mask,
                stride,
                &mut self.c_values,
                &mut self.scratch,
                window,
                &self.settings.params,
                w,
                h,
            );
            if !is_src {
                if let Some(hm) = &mut self.heatmaps {
                    hm.write(scale, frame, &self.c_values, w, h)?;
                }
            }
            *score = k.spatial_pooling(&mut self.c_values, topk, w, h);
        }
        Ok(scalar::weight_scores_per_scale(
            &scores,
            scalar::pixels_in_window(window),
        ))
    }
}

/// No-reference CAMBI scorer for one stream of pictures of a fixed geometry.
///
/// It gives exactly the `cambi` values the two-input extractor writes for the distorted
/// stream (same options, same buffers, same heatmaps).
///
/// ```no_run
/// # fn demo(pictures: &[rvmaf::Picture]) -> rvmaf::Result<()> {
/// use rvmaf::features::cambi::CambiScorer;
/// use rvmaf::FeatureDict;
/// let geometry = pictures[0].geometry();
/// let mut scorer = CambiScorer::with_dict(&FeatureDict::parse_colon_list("topk=0.2")?, geometry)?;
/// for p in pictures {
///     let score = scorer.score(&p.view())?;
///     println!("{}: {score}", scorer.feature_name());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct CambiScorer {
    core: Core,
    name: Arc<str>,
    next_index: usize,
}

impl CambiScorer {
    /// A scorer for pictures of `geometry` with options parsed by [`DEF`]. `full_ref` needs a
    /// reference and is refused here.
    pub fn new(options: &Options, geometry: Geometry) -> Result<Self> {
        let settings = CambiSettings::resolve(options, geometry)?;
        if settings.full_ref {
            return Err(bad_option(
                "full_ref needs a reference: use the two-input extractor".into(),
            ));
        }
        Ok(CambiScorer {
            core: Core::new(settings, geometry, cpu_level())?,
            name: output_names(&DEF, options).remove(0),
            next_index: 0,
        })
    }

    /// A scorer with options given as a libvmaf option dictionary.
    pub fn with_dict(dict: &FeatureDict, geometry: Geometry) -> Result<Self> {
        Self::new(&DEF.parse_options(dict)?, geometry)
    }

    /// The resolved settings.
    pub fn settings(&self) -> &CambiSettings {
        &self.core.settings
    }

    /// The key libvmaf writes these scores under (raw `Cambi_feature_cambi_score`, printed
    /// `cambi`, or option-suffixed like `cambi_topk_0.2`).
    pub fn feature_name(&self) -> &str {
        &self.name
    }

    /// Scores the next picture of the stream (frame index = number of pictures scored so far;
    /// it only matters for heatmaps).
    pub fn score(&mut self, picture: &PictureView<'_>) -> Result<f64> {
        let i = self.next_index;
        let v = self.score_at(picture, i)?;
        self.next_index = i + 1;
        Ok(v)
    }

    /// Scores `picture` as frame `index`: the CAMBI value clipped to `cambi_max_val`.
    pub fn score_at(&mut self, picture: &PictureView<'_>, index: usize) -> Result<f64> {
        let raw = self.core.score(picture, false, index)?;
        Ok(c_min(raw, self.core.settings.max_val))
    }
}

/// Scores a stream of pictures (no reference): one CAMBI value per picture. The geometry is
/// taken from the first picture; every picture must share it.
pub fn cambi_scores<'a, I>(pictures: I, options: &Options) -> Result<Vec<f64>>
where
    I: IntoIterator<Item = PictureView<'a>>,
{
    let mut it = pictures.into_iter();
    let Some(first) = it.next() else {
        return Ok(Vec::new());
    };
    let mut scorer = CambiScorer::new(options, first.geometry())?;
    let mut out = vec![scorer.score(&first)?];
    for p in it {
        out.push(scorer.score(&p)?);
    }
    Ok(out)
}

/// The registered two-input extractor.
struct CambiExtractor {
    core: Core,
    name: Arc<str>,
    source_name: Arc<str>,
    full_reference_name: Arc<str>,
}

fn create_extractor(options: &Options, geometry: Geometry) -> Result<Box<dyn Extractor>> {
    create_at(options, geometry, cpu_level())
}

/// Creates the extractor with kernels of `level` (clamped to what the CPU runs); the
/// registry's `create` uses [`cpu_level`].
pub fn create_at(
    options: &Options,
    geometry: Geometry,
    level: CpuLevel,
) -> Result<Box<dyn Extractor>> {
    let settings = CambiSettings::resolve(options, geometry)?;
    Ok(Box::new(CambiExtractor {
        core: Core::new(settings, geometry, level)?,
        name: output_names(&DEF, options).remove(0),
        source_name: Arc::from(SOURCE_FEATURE),
        full_reference_name: Arc::from(FULL_REFERENCE_FEATURE),
    }))
}

impl Extractor for CambiExtractor {
    fn extract(&mut self, input: &FrameInput<'_>, out: &mut FrameScores) -> Result<()> {
        let max_val = self.core.settings.max_val;
        let dist = self.core.score(&input.distorted, false, input.index)?;
        out.push(&self.name, c_min(dist, max_val));
        if self.core.settings.full_ref {
            let src = self.core.score(&input.reference, true, input.index)?;
            out.push(&self.source_name, c_min(src, max_val));
            let diff = dist - src;
            let combined = if 0.0 > diff { 0.0 } else { diff };
            out.push(&self.full_reference_name, c_min(combined, max_val));
        }
        Ok(())
    }
}
