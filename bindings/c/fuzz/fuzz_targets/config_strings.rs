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

#[derive(Arbitrary, Debug)]
struct Input {
    models: Vec<Vec<u8>>,
    features: Vec<Vec<u8>>,
    threads: u32,
    subsample: u32,
    key_order: u32,
    no_prediction: bool,
    inputs: u16,
    side: u8,
    pixels: Vec<u8>,
}

/// A C string from fuzz bytes (cut at the first NUL). Model files are not read here: `path=`
/// could name /dev/zero or a FIFO; model_json fuzzes file contents.
fn c_string(b: &[u8]) -> Option<CString> {
    let b = b.split(|&c| c == 0).next().unwrap_or(&[]);
    if b.windows(4).any(|w| w.eq_ignore_ascii_case(b"path")) || b.ends_with(b".json") {
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
            if let Some(s) = c_string(m) {
                ok(rvmaf_config_add_model(cfg, s.as_ptr()));
            }
        }
        for f in input.features.iter().take(4) {
            if let Some(s) = c_string(f) {
                ok(rvmaf_config_add_feature(cfg, s.as_ptr()));
            }
        }
        ok(rvmaf_config_set_threads(cfg, input.threads % 4));
        ok(rvmaf_config_set_threads(cfg, input.threads));
        ok(rvmaf_config_set_subsample(cfg, input.subsample));
        ok(rvmaf_config_set_key_order(cfg, input.key_order));
        ok(rvmaf_config_set_no_prediction(cfg, input.no_prediction));
        let n = input.inputs as usize % (RVMAF_MAX_INPUTS + 2);
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
                side, side, RVMAF_PIXEL_FORMAT_YUV420, 8, [0; 3], false, false, false, &input.pixels,
            );
            let d = make_pic(
                side, side, RVMAF_PIXEL_FORMAT_YUV420, 8, [3; 3], false, false, false,
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
