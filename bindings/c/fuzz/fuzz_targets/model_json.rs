//! Fuzzes model files: the input is written to a temporary JSON file and loaded with
//! `path=...`; accepted models then score two small frames.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::CString;

use common::*;
use libfuzzer_sys::fuzz_target;
use rvmaf_capi::*;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("rvmaf-fuzz-model-{}.json", std::process::id()));
    std::fs::write(&path, data).unwrap();
    let spec = CString::new(format!("path={}:name=m", path.display())).unwrap();
    let mut cfg = std::ptr::null_mut();
    // SAFETY: valid out pointers, live handles and NUL-terminated strings throughout.
    unsafe {
        assert!(ok(rvmaf_config_new(&mut cfg)));
        let loaded = ok(rvmaf_config_add_model(cfg, spec.as_ptr()));
        let mut ctx = std::ptr::null_mut();
        if loaded && ok(rvmaf_context_new(cfg, 1, &mut ctx)) {
            for v in [100u8, 90] {
                let r = make_pic(
                    32,
                    32,
                    RVMAF_PIXEL_FORMAT_YUV420,
                    8,
                    [0; 3],
                    false,
                    false,
                    false,
                    &[128, 7],
                );
                let d = make_pic(
                    32,
                    32,
                    RVMAF_PIXEL_FORMAT_YUV420,
                    8,
                    [1; 3],
                    false,
                    false,
                    false,
                    &[v, 3],
                );
                ok(rvmaf_context_push(ctx, &r.pic, &d.pic, 1));
            }
            finish_and_read(ctx, 1);
            rvmaf_context_free(&mut ctx);
        }
        rvmaf_config_free(&mut cfg);
    }
});
