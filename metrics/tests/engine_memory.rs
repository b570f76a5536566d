//! Memory stays flat on long streams (its own test binary, so no other test allocates
//! concurrently in this process while the peak RSS is measured).

use rvmaf::model::ModelSpec;
use rvmaf::{Context, Geometry, Picture, PixelFormat};

fn geometry(w: usize, h: usize, bit_depth: u32) -> Geometry {
    Geometry {
        format: PixelFormat::Yuv420,
        bit_depth,
        width: w,
        height: h,
    }
}

/// A deterministic textured picture (frame `t` moves the pattern).
fn picture(g: Geometry, t: u32, noise: u32) -> Picture {
    let mut p = Picture::new(g).unwrap();
    let max = (1u32 << g.bit_depth) - 1;
    for plane in 0..3 {
        let (w, h) = g.plane_size(plane);
        let val = |x: usize, y: usize| -> u32 {
            let base = ((x as u32 * 7 + y as u32 * 13 + t * 5) % 97) * max / 96;
            let n = (x as u32).wrapping_mul(2654435761)
                ^ (y as u32).wrapping_mul(40503)
                ^ noise.wrapping_mul(97);
            (base + (n >> 7) % (noise + 1)).min(max)
        };
        match p.plane_u8_mut(plane) {
            Some(d) => {
                for y in 0..h {
                    for x in 0..w {
                        d[y * w + x] = val(x, y) as u8;
                    }
                }
            }
            None => {
                let d = p.plane_u16_mut(plane).unwrap();
                for y in 0..h {
                    for x in 0..w {
                        d[y * w + x] = val(x, y) as u16;
                    }
                }
            }
        }
    }
    p
}

fn default_context(threads: usize) -> Context {
    Context::builder()
        .threads(threads)
        .model(ModelSpec::builtin("vmaf_v0.6.1").load().unwrap())
        .build()
        .unwrap()
}

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let l = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

/// Frames in flight are bounded: a long stream does not grow memory beyond the per-frame
/// scores kept for the report.
#[test]
fn memory_is_flat_on_a_long_stream() {
    let g = geometry(160, 120, 8);
    let pics: Vec<Picture> = (0..4).map(|t| picture(g, t, 4)).collect();
    let mut ctx = default_context(3);
    for t in 0..200 {
        ctx.push(&pics[t % 4].view(), &pics[(t + 1) % 4].view())
            .unwrap();
    }
    let Some(before) = peak_rss_kib() else { return };
    for t in 0..1500 {
        ctx.push(&pics[t % 4].view(), &pics[(t + 1) % 4].view())
            .unwrap();
    }
    let after = peak_rss_kib().unwrap();
    let r = ctx.finish().unwrap();
    assert_eq!(r.frame_count(), 1700);
    // 1500 more frames of 160x120 would be ~43 MB if pictures were kept; scores are ~0.3 MB.
    assert!(
        after - before < 8 * 1024,
        "peak RSS grew by {} KiB",
        after - before
    );
}
