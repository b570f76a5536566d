//! Fuzzes configuration strings and values: model strings (built-in names, flags, feature
//! overloads), feature specs with options, thread/subsample/key-order values and input
//! counts, then scores two small frames with whatever was accepted.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::CString;

use common::*;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use rvmaf_capi::*;

const MODELS: &[&str] = &[
    "vmaf_v0.6.1",
    "vmaf_v0.6.1neg",
    "vmaf_4k_v0.6.1",
    "vmaf_b_v0.6.3",
    "vmaf_float_v0.6.1",
    "vmaf_float_b_v0.6.3",
];
const EXTRACTORS: &[&str] = &[
    "adm",
    "vif",
    "motion",
    "float_adm",
    "float_vif",
    "float_motion",
    "psnr",
    "ciede",
    "float_ssim",
    "float_ms_ssim",
    "psnr_hvs",
    "cambi",
    "speed_chroma",
    "speed_temporal",
];
/// Every option name of every extractor, except cambi's heatmaps_path (it writes files).
const OPTIONS: &[&str] = &[
    "adm_adm3_apply_hm",
    "adm_csf_diag_scale",
    "adm_csf_mode",
    "adm_csf_scale",
    "adm_dlm_weight",
    "adm_enhn_gain_limit",
    "adm_min_val",
    "adm_noise_weight",
    "adm_norm_view_dist",
    "adm_ref_display_height",
    "adm_skip_aim",
    "adm_skip_scale0",
    "cambi_eotf",
    "cambi_high_res_speedup",
    "cambi_max_val",
    "cambi_topk",
    "cambi_vis_lum_threshold",
    "clip_db",
    "debug",
    "enable_apsnr",
    "enable_chroma",
    "enable_db",
    "enable_lcs",
    "enable_mse",
    "enc_bitdepth",
    "enc_height",
    "enc_width",
    "eotf",
    "full_ref",
    "max_log_contrast",
    "min_sse",
    "motion_add_scale1",
    "motion_add_uv",
    "motion_blend_factor",
    "motion_blend_offset",
    "motion_filter_size",
    "motion_five_frame_window",
    "motion_force_zero",
    "motion_fps_weight",
    "motion_max_val",
    "motion_moving_average",
    "reduced_hbd_peak",
    "scale",
    "speed_kernelscale",
    "speed_max_val",
    "speed_nn_floor",
    "speed_prescale",
    "speed_prescale_method",
    "speed_sigma_nn",
    "speed_use_ref_diff",
    "speed_weight_var_mode",
    "src_height",
    "src_width",
    "topk",
    "tvi_threshold",
    "vif_enhn_gain_limit",
    "vif_kernelscale",
    "vif_prescale",
    "vif_prescale_method",
    "vif_scale1_min_val",
    "vif_scale2_min_val",
    "vif_scale3_min_val",
    "vif_sigma_nsq",
    "vif_skip_scale0",
    "window_size",
];
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "5",
    "0.5",
    "1.0",
    "100",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "true",
    "false",
    "4096",
    "65536",
    "2147483647",
    "-2147483648",
    "bilinear",
    "bicubic",
    "lanczos",
    "pq",
    "bt1886",
    "",
];

#[derive(Arbitrary, Debug)]
enum Piece {
    /// `NAME` from a list.
    Pick(u8),
    /// Raw fuzz text.
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Opt {
    ext: u8,
    name: Piece,
    value: Piece,
}

#[derive(Arbitrary, Debug)]
struct Model {
    version: Piece,
    name: Option<u8>,
    disable_clip: bool,
    enable_transform: bool,
    overloads: Vec<Opt>,
}

#[derive(Arbitrary, Debug)]
struct Feature {
    name: Piece,
    options: Vec<Opt>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    models: Vec<Model>,
    features: Vec<Feature>,
    threads: u32,
    subsample: u32,
    key_order: u32,
    no_prediction: bool,
    inputs: u8,
    side: u8,
    pixels: Vec<u8>,
}

fn text(p: &Piece, list: &[&str]) -> String {
    match p {
        Piece::Pick(i) => list[*i as usize % list.len()].to_string(),
        Piece::Raw(s) => s.clone(),
    }
}

fn model_string(m: &Model) -> String {
    let mut s = format!("version={}", text(&m.version, MODELS));
    if let Some(n) = m.name {
        s += &format!(":name=m{n}");
    }
    if m.disable_clip {
        s += ":disable_clip";
    }
    if m.enable_transform {
        s += ":enable_transform";
    }
    for o in m.overloads.iter().take(3) {
        s += &format!(
            ":{}.{}={}",
            EXTRACTORS[o.ext as usize % EXTRACTORS.len()],
            text(&o.name, OPTIONS),
            text(&o.value, VALUES)
        );
    }
    s
}

fn feature_string(f: &Feature) -> String {
    let mut s = text(&f.name, EXTRACTORS);
    for (i, o) in f.options.iter().take(3).enumerate() {
        s += if i == 0 { "=" } else { ":" };
        s += &format!("{}={}", text(&o.name, OPTIONS), text(&o.value, VALUES));
    }
    s
}

/// A C string from fuzz text (cut at the first NUL). Model files are not read and cambi
/// heatmaps are not written here: `path=` could name /dev/zero or a FIFO; model_json fuzzes
/// file contents.
fn c_string(s: &str) -> Option<CString> {
    let b = s.as_bytes().split(|&c| c == 0).next().unwrap_or(&[]);
    let lower = String::from_utf8_lossy(b).to_ascii_lowercase();
    if lower.contains("path") || lower.contains(".json") || lower.contains("heatmap") {
        return None;
    }
    Some(CString::new(b).unwrap())
}

fuzz_target!(|input: Input| {
    let mut cfg = std::ptr::null_mut();
    // SAFETY: valid out pointers, live handles and NUL-terminated strings throughout.
    unsafe {
        assert!(ok(rvmaf_config_new(&mut cfg)));
        for m in input.models.iter().take(3) {
            if let Some(s) = c_string(&model_string(m)) {
                ok(rvmaf_config_add_model(cfg, s.as_ptr()));
            }
        }
        for f in input.features.iter().take(4) {
            if let Some(s) = c_string(&feature_string(f)) {
                ok(rvmaf_config_add_feature(cfg, s.as_ptr()));
            }
        }
        ok(rvmaf_config_set_threads(cfg, input.threads % 4));
        ok(rvmaf_config_set_threads(cfg, input.threads));
        ok(rvmaf_config_set_subsample(cfg, input.subsample));
        ok(rvmaf_config_set_key_order(cfg, input.key_order));
        ok(rvmaf_config_set_no_prediction(cfg, input.no_prediction));
        // 0..=4 inputs, or one past the limit
        let n = match input.inputs % 6 {
            5 => RVMAF_MAX_INPUTS + 1,
            k => k as usize,
        };
        let mut ctx = std::ptr::null_mut();
        let created = ok(rvmaf_context_new(cfg, n, &mut ctx));
        rvmaf_config_free(&mut cfg);
        if !created {
            assert!(ctx.is_null());
            return;
        }
        let n_push = n.min(3);
        let side = 16 + (input.side as u32 % 48);
        for _ in 0..2 {
            let r = make_pic(
                side,
                side,
                RVMAF_PIXEL_FORMAT_YUV420,
                8,
                [0; 3],
                false,
                false,
                false,
                &input.pixels,
            );
            let d = make_pic(
                side,
                side,
                RVMAF_PIXEL_FORMAT_YUV420,
                8,
                [3; 3],
                false,
                false,
                false,
                &input.pixels[input.pixels.len().min(1)..],
            );
            if n_push == n {
                let ds = vec![d.pic; n];
                ok(rvmaf_context_push(ctx, &r.pic, ds.as_ptr(), n));
            } else {
                for i in 0..n_push {
                    ok(rvmaf_context_push_one(ctx, i, &r.pic, &d.pic));
                }
            }
        }
        finish_and_read(ctx, n);
        rvmaf_context_free(&mut ctx);
    }
});
