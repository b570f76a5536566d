//! Helpers shared by the fuzz targets: pictures backed by buffers of exactly the size their
//! description claims, and a driver that runs a context to the end and reads every result.
#![allow(dead_code)]

use std::ffi::{c_char, c_void, CStr, CString};

use rvmaf_capi::*;

/// Largest luma width/height the targets allocate for.
pub const MAX_SIDE: u32 = 96;

/// A picture description and the memory behind it.
pub struct Pic {
    pub pic: RvmafPicture,
    _mem: Vec<Vec<u8>>,
}

fn plane_size(format: u32, p: usize, w: usize, h: usize) -> (usize, usize) {
    if p == 0 {
        return (w, h);
    }
    match format {
        RVMAF_PIXEL_FORMAT_YUV420 => (w.div_ceil(2), h.div_ceil(2)),
        RVMAF_PIXEL_FORMAT_YUV422 => (w.div_ceil(2), h),
        RVMAF_PIXEL_FORMAT_YUV444 => (w, h),
        _ => (0, 0),
    }
}

/// Builds a picture claiming `width`×`height`, `format`, `depth`, with `extra[p]` bytes of
/// padding per row (or a stride one byte short of a row when `short_stride`), samples taken
/// cyclically from `pixels` (masked to the depth unless `raw_samples`), and 16-bit planes
/// moved to an odd address when `misalign`. Memory always covers what the description claims
/// whenever the library could accept it; descriptions it must reject (a zero side, a side above
/// `RVMAF_MAX_DIMENSION`, an unknown format or depth) get small buffers. Sides from
/// `MAX_SIDE + 1` to `RVMAF_MAX_DIMENSION` are not allowed (they would need real buffers).
#[allow(clippy::too_many_arguments)]
pub fn make_pic(
    width: u32,
    height: u32,
    format: u32,
    depth: u32,
    extra: [u8; 3],
    short_stride: bool,
    misalign: bool,
    raw_samples: bool,
    pixels: &[u8],
) -> Pic {
    let mut pic = RvmafPicture {
        data: [std::ptr::null(); 3],
        stride: [0; 3],
        width,
        height,
        format,
        bit_depth: depth,
    };
    for side in [width, height] {
        assert!(side <= MAX_SIDE || side > RVMAF_MAX_DIMENSION, "fuzz harness: side {side}");
    }
    let valid_dims = (1..=MAX_SIDE).contains(&width) && (1..=MAX_SIDE).contains(&height);
    let bps = if depth > 8 { 2 } else { 1 };
    let mut mem = Vec::new();
    for p in 0..3 {
        let (w, h) = if valid_dims {
            plane_size(format, p, width as usize, height as usize)
        } else {
            (1, 1)
        };
        let (w, h) = (w.max(1), h.max(1));
        let row = w * bps;
        let stride = if short_stride && p == 0 {
            row - 1
        } else {
            row + extra[p] as usize
        };
        let bytes = (h - 1) * stride.max(row) + row;
        // Two spare bytes: one to reach a 2-byte aligned start, one for `misalign`.
        let mut buf = vec![0u8; bytes + 2];
        let start = (buf.as_ptr() as usize) % 2 + usize::from(misalign);
        let mut k = 0usize;
        for y in 0..h {
            for x in 0..w {
                let v = if pixels.is_empty() {
                    0u16
                } else {
                    let a = pixels[k % pixels.len()] as u16;
                    let b = pixels[(k + 1) % pixels.len()] as u16;
                    k += 2;
                    (a << 8) | b
                };
                let off = start + y * stride.max(row) + x * bps;
                if bps == 1 {
                    buf[off] = v as u8;
                } else {
                    let v = if raw_samples || depth >= 16 {
                        v
                    } else {
                        v & ((1u32 << depth.min(15)) - 1) as u16
                    };
                    buf[off..off + 2].copy_from_slice(&v.to_ne_bytes());
                }
            }
        }
        // SAFETY: `start` ≤ 2 and the buffer has `bytes + 2` bytes.
        pic.data[p] = unsafe { buf.as_ptr().add(start) } as *const c_void;
        pic.stride[p] = stride;
        mem.push(buf);
    }
    Pic { pic, _mem: mem }
}

/// The last error message (exercises the sizing protocol too).
pub fn last_error() -> String {
    // SAFETY: NULL/0 asks for the length only.
    let n = unsafe { rvmaf_last_error_message(std::ptr::null_mut(), 0) };
    let mut buf = vec![0u8; n + 1];
    // SAFETY: `buf` has `n + 1` writable bytes.
    let m = unsafe { rvmaf_last_error_message(buf.as_mut_ptr() as *mut c_char, buf.len()) };
    assert_eq!(m, n);
    assert_eq!(buf[n], 0);
    String::from_utf8(buf[..n].to_vec()).expect("utf-8 message")
}

/// A status that must not be a caught panic.
pub fn ok(st: RvmafStatus) -> bool {
    assert_ne!(st, RvmafStatus::Panic, "internal panic: {}", last_error());
    st == RvmafStatus::Ok
}

/// Finishes `ctx` and reads every score, pooled value and output format of every input.
pub fn finish_and_read(ctx: *mut RvmafContext, inputs: usize) {
    // SAFETY: `ctx` is a live context.
    if !ok(unsafe { rvmaf_context_finish(ctx) }) {
        return;
    }
    for i in 0..inputs {
        let (mut frames, mut names) = (0usize, 0usize);
        // SAFETY: live context and valid out pointers.
        unsafe {
            assert!(ok(rvmaf_context_frame_count(ctx, i, &mut frames)));
            assert!(ok(rvmaf_context_score_name_count(ctx, i, &mut names)));
        }
        for j in 0..names {
            let mut name: *const c_char = std::ptr::null();
            // SAFETY: live context and valid out pointer.
            assert!(ok(unsafe {
                rvmaf_context_score_name(ctx, i, j, &mut name)
            }));
            // SAFETY: names are NUL-terminated and live as long as the context.
            let _ = unsafe { CStr::from_ptr(name) }
                .to_str()
                .expect("utf-8 name");
            let mut v = 0.0;
            for f in 0..=frames {
                // SAFETY: as above.
                ok(unsafe { rvmaf_context_score(ctx, i, name, f, &mut v) });
            }
            for m in 0..=5 {
                // SAFETY: as above.
                ok(unsafe { rvmaf_context_pool(ctx, i, name, m, &mut v) });
            }
            for p in [0.0, 12.5, 100.0] {
                // SAFETY: as above.
                ok(unsafe { rvmaf_context_pool_percentile(ctx, i, name, p, &mut v) });
            }
        }
        let dev_null = CString::new("/dev/null").unwrap();
        for format in 0..=5 {
            // SAFETY: live context, NUL-terminated path.
            ok(unsafe {
                rvmaf_context_write_output(ctx, i, dev_null.as_ptr(), format, RVMAF_PRECISION_MAX)
            });
        }
    }
}
