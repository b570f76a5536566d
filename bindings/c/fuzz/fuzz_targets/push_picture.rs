//! Fuzzes picture descriptions through `rvmaf_context_push` / `rvmaf_context_push_one`:
//! geometry, format, depth, strides, alignment, sample ranges, mismatched distorted pictures,
//! several inputs, then finish and every query.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::CString;

use common::*;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use rvmaf_capi::*;

/// Every extractor (the model adds adm, vif and motion with their default options).
const FEATURES: &[&str] = &[
    "psnr=enable_mse=true",
    "ciede",
    "float_ssim",
    "psnr_hvs",
    "float_ms_ssim",
    "cambi",
    "float_vif",
    "float_adm",
    "float_motion",
    "motion",
    "adm",
    "vif",
    "speed_chroma",
    "speed_temporal",
];

#[derive(Arbitrary, Debug)]
struct Geometry {
    width: u8,
    height: u8,
    format: u8,
    depth: u8,
    extra: [u8; 3],
    short_stride: bool,
    misalign: bool,
    raw_samples: bool,
}

#[derive(Arbitrary, Debug)]
struct Frame {
    /// Push to one input only (push_one) instead of all.
    one: Option<u8>,
    /// Distorted pictures that differ from the reference's description.
    distorted_override: Option<Geometry>,
    pixels: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    feature: u8,
    model: bool,
    threads: u8,
    inputs: u8,
    geometry: Geometry,
    frames: Vec<Frame>,
}

fn format(v: u8) -> u32 {
    match v % 5 {
        0 => RVMAF_PIXEL_FORMAT_YUV400,
        1 => RVMAF_PIXEL_FORMAT_YUV420,
        2 => RVMAF_PIXEL_FORMAT_YUV422,
        3 => RVMAF_PIXEL_FORMAT_YUV444,
        _ => v as u32,
    }
}

/// 0 ..= MAX_SIDE, or one past the library's limit (both of those must be rejected).
fn side(v: u8) -> u32 {
    match v as u32 % (MAX_SIDE + 2) {
        s if s > MAX_SIDE => RVMAF_MAX_DIMENSION + 1,
        s => s,
    }
}

fn pic(g: &Geometry, pixels: &[u8]) -> Pic {
    make_pic(
        side(g.width),
        side(g.height),
        format(g.format),
        (g.depth % 20) as u32,
        g.extra,
        g.short_stride,
        g.misalign,
        g.raw_samples,
        pixels,
    )
}

fuzz_target!(|input: Input| {
    let mut cfg = std::ptr::null_mut();
    // SAFETY: valid out pointer; every later call gets live handles and NUL-terminated strings.
    unsafe {
        assert!(ok(rvmaf_config_new(&mut cfg)));
        let spec = CString::new(FEATURES[input.feature as usize % FEATURES.len()]).unwrap();
        assert!(ok(rvmaf_config_add_feature(cfg, spec.as_ptr())));
        if input.model {
            let m = CString::new("version=vmaf_v0.6.1").unwrap();
            assert!(ok(rvmaf_config_add_model(cfg, m.as_ptr())));
        }
        assert!(ok(rvmaf_config_set_threads(
            cfg,
            (input.threads % 3) as u32
        )));
        let n = 1 + (input.inputs % 3) as usize;
        let mut ctx = std::ptr::null_mut();
        assert!(ok(rvmaf_context_new(cfg, n, &mut ctx)));
        rvmaf_config_free(&mut cfg);

        for f in input.frames.iter().take(4) {
            let r = pic(&input.geometry, &f.pixels);
            let dg = f.distorted_override.as_ref().unwrap_or(&input.geometry);
            let ds: Vec<Pic> = (0..n)
                .map(|k| pic(dg, &f.pixels[f.pixels.len().min(k)..]))
                .collect();
            let dp: Vec<RvmafPicture> = ds.iter().map(|d| d.pic).collect();
            match f.one {
                Some(i) => ok(rvmaf_context_push_one(
                    ctx,
                    i as usize % (n + 1),
                    &r.pic,
                    &dp[0],
                )),
                None => ok(rvmaf_context_push(ctx, &r.pic, dp.as_ptr(), n)),
            };
        }
        finish_and_read(ctx, n);
        rvmaf_context_free(&mut ctx);
        assert!(ctx.is_null());
    }
});
