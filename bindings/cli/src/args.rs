//! Command-line flags, compatible with libvmaf's `vmaf` tool.

use clap::{ArgAction, Parser};

/// Perceptual video quality (VMAF and friends) with libvmaf's numbers.
///
/// Flags follow libvmaf's `vmaf` tool, so scripts switch by changing the binary name.
#[derive(Debug, Parser)]
#[command(
    name = "rvmaf",
    disable_help_flag = true,
    disable_version_flag = true,
    after_help = "Models: -m version=vmaf_v0.6.1 | path=model.json, plus :name=NAME, :disable_clip, \
:enable_transform and :<extractor>.<option>=<value> overloads.\n\
Features: --feature psnr | float_ssim | float_ms_ssim | ciede | psnr_hvs | cambi | ... with =opt=val:opt2=val2.\n\
Single-input banding score: rvmaf cambi INPUT [options]."
)]
pub struct Args {
    /// Reference video (.y4m, or raw .yuv with -w/-h/-p/-b; `-` reads stdin).
    #[arg(short = 'r', long = "reference", value_name = "PATH")]
    pub reference: Option<String>,
    /// Distorted video; repeat to score several encodes against one reference
    /// (outputs get the index before the extension: out.0.json, out.1.json, ...).
    #[arg(short = 'd', long = "distorted", value_name = "PATH")]
    pub distorted: Vec<String>,
    /// Width of raw YUV input.
    #[arg(short = 'w', long = "width", value_parser = parse_unsigned)]
    pub width: Option<u64>,
    /// Height of raw YUV input.
    #[arg(short = 'h', long = "height", value_parser = parse_unsigned)]
    pub height: Option<u64>,
    /// Pixel format of raw YUV input (400/420/422/444).
    #[arg(short = 'p', long = "pixel_format", value_name = "FMT")]
    pub pixel_format: Option<String>,
    /// Bit depth of raw YUV input (8..16).
    #[arg(short = 'b', long = "bitdepth", value_parser = parse_unsigned)]
    pub bitdepth: Option<u64>,
    /// Model: version=NAME or path=FILE, plus :name=, :disable_clip, :enable_transform,
    /// :<extractor>.<option>=<value>. Repeatable.
    #[arg(short = 'm', long = "model", value_name = "PARAMS")]
    pub model: Vec<String>,
    /// Output file (nothing is written without it).
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<String>,
    /// Write XML (default).
    #[arg(long = "xml", action = ArgAction::SetTrue)]
    pub xml: bool,
    /// Write JSON.
    #[arg(long = "json", action = ArgAction::SetTrue)]
    pub json: bool,
    /// Write CSV.
    #[arg(long = "csv", action = ArgAction::SetTrue)]
    pub csv: bool,
    /// Write subtitles.
    #[arg(long = "sub", action = ArgAction::SetTrue)]
    pub sub: bool,
    /// Worker threads (0 = all cores). With N >= 1 output keys are ordered as libvmaf orders
    /// them with --threads.
    #[arg(long = "threads", value_parser = parse_unsigned)]
    pub threads: Option<u64>,
    /// Extra feature extractor, `name[=opt=val:opt2=val2]`. Repeatable.
    #[arg(long = "feature", value_name = "SPEC")]
    pub feature: Vec<String>,
    /// Score only every N-th frame.
    #[arg(long = "subsample", value_parser = parse_unsigned)]
    pub subsample: Option<u64>,
    /// libvmaf's instruction-set mask (bit 8 disables AVX2, 16/32 AVX-512).
    #[arg(long = "cpumask", value_parser = parse_unsigned)]
    pub cpumask: Option<u64>,
    /// Accepted for compatibility; rvmaf has no GPU path.
    #[arg(long = "gpumask", value_parser = parse_unsigned)]
    pub gpumask: Option<u64>,
    /// AOM CTC preset (v1.0 .. v7.0).
    #[arg(long = "aom_ctc", value_name = "VERSION")]
    pub aom_ctc: Option<String>,
    /// Netflix CTC preset (v1.0).
    #[arg(long = "nflx_ctc", value_name = "VERSION")]
    pub nflx_ctc: Option<String>,
    /// Stop after N frames (0 = all).
    #[arg(long = "frame_cnt", value_parser = parse_unsigned)]
    pub frame_cnt: Option<u64>,
    /// Skip the first N reference frames.
    #[arg(long = "frame_skip_ref", value_parser = parse_unsigned)]
    pub frame_skip_ref: Option<u64>,
    /// Skip the first N frames of every distorted input.
    #[arg(long = "frame_skip_dist", value_parser = parse_unsigned)]
    pub frame_skip_dist: Option<u64>,
    /// Extract features only, no model prediction.
    #[arg(short = 'n', long = "no_prediction", action = ArgAction::SetTrue)]
    pub no_prediction: bool,
    /// No progress bar, and no scores on the console when -o is given.
    #[arg(short = 'q', long = "quiet", action = ArgAction::SetTrue)]
    pub quiet: bool,
    /// Print the version and exit.
    #[arg(short = 'v', long = "version", action = ArgAction::SetTrue)]
    pub version: bool,
    /// Decimals in outputs: N (libvmaf: 6) or `max` (exact round-trip doubles).
    #[arg(long = "precision", value_name = "N|max")]
    pub precision: Option<String>,
    /// Extra pooling methods next to min/max/mean/harmonic_mean, e.g. `p1,p5`.
    #[arg(long = "pool", value_name = "METHODS", value_delimiter = ',')]
    pub pool: Vec<String>,
    /// Print help.
    #[arg(long = "help", action = ArgAction::Help)]
    pub help: Option<bool>,
}

/// libvmaf's `strtoul(s, &end, 0)` with the whole string consumed (decimal, 0x hex, 0 octal).
pub fn parse_unsigned(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let r = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16)
    } else if t.len() > 1 && t.starts_with('0') {
        u64::from_str_radix(&t[1..], 8)
    } else {
        t.parse::<u64>()
    };
    r.map_err(|_| format!("\"{s}\" is not an unsigned integer"))
}

/// `rvmaf cambi INPUT`: CAMBI banding score of one video, no reference needed.
#[derive(Debug, Parser)]
#[command(
    name = "rvmaf cambi",
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct CambiArgs {
    /// Video to score (.y4m, raw .yuv with -w/-h/-p/-b, or `-` for stdin).
    pub input: String,
    /// Width of raw YUV input.
    #[arg(short = 'w', long = "width", value_parser = parse_unsigned)]
    pub width: Option<u64>,
    /// Height of raw YUV input.
    #[arg(short = 'h', long = "height", value_parser = parse_unsigned)]
    pub height: Option<u64>,
    /// Pixel format of raw YUV input (400/420/422/444).
    #[arg(short = 'p', long = "pixel_format", value_name = "FMT")]
    pub pixel_format: Option<String>,
    /// Bit depth of raw YUV input (8..16).
    #[arg(short = 'b', long = "bitdepth", value_parser = parse_unsigned)]
    pub bitdepth: Option<u64>,
    /// CAMBI option `name=value` (libvmaf's names: window_size, topk, tvi_threshold,
    /// max_log_contrast, eotf, enc_width, enc_height, enc_bitdepth, cambi_max_val,
    /// cambi_vis_lum_threshold, cambi_high_res_speedup, ...). Repeatable; `a=1:b=2` also works.
    #[arg(short = 'O', long = "option", value_name = "NAME=VALUE")]
    pub option: Vec<String>,
    /// Write banding heatmaps (libvmaf's .gray files and PNG images) into this directory.
    #[arg(long = "heatmaps", value_name = "DIR")]
    pub heatmaps: Option<String>,
    /// Output file.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<String>,
    /// Write XML (default).
    #[arg(long = "xml", action = ArgAction::SetTrue)]
    pub xml: bool,
    /// Write JSON.
    #[arg(long = "json", action = ArgAction::SetTrue)]
    pub json: bool,
    /// Write CSV.
    #[arg(long = "csv", action = ArgAction::SetTrue)]
    pub csv: bool,
    /// Write subtitles.
    #[arg(long = "sub", action = ArgAction::SetTrue)]
    pub sub: bool,
    /// Stop after N frames (0 = all).
    #[arg(long = "frame_cnt", value_parser = parse_unsigned)]
    pub frame_cnt: Option<u64>,
    /// Skip the first N frames.
    #[arg(long = "frame_skip", value_parser = parse_unsigned)]
    pub frame_skip: Option<u64>,
    /// Decimals in outputs: N (libvmaf: 6) or `max`.
    #[arg(long = "precision", value_name = "N|max")]
    pub precision: Option<String>,
    /// Extra pooling methods, e.g. `p1,p5`.
    #[arg(long = "pool", value_name = "METHODS", value_delimiter = ',')]
    pub pool: Vec<String>,
    /// No console summary when -o is given.
    #[arg(short = 'q', long = "quiet", action = ArgAction::SetTrue)]
    pub quiet: bool,
    /// Print help.
    #[arg(long = "help", action = ArgAction::Help)]
    pub help: Option<bool>,
}
