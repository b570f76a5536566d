//! Engine behaviour: size limits, geometry checks, determinism across thread counts,
//! subsampling, bounded memory on long streams.

use rvmaf::model::ModelSpec;
use rvmaf::{Context, Error, Geometry, OutputOptions, Picture, PixelFormat, Precision};

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

#[test]
fn too_small_pictures_are_refused_clearly() {
    for (w, h) in [(1, 1), (16, 16), (32, 64), (64, 32)] {
        let g = geometry(w, h, 8);
        let mut ctx = default_context(1);
        let p = picture(g, 0, 3);
        let e = ctx.push(&p.view(), &p.view()).unwrap_err();
        let msg = e.to_string();
        assert!(matches!(e, Error::Extraction { .. }), "{w}x{h}: {msg}");
        assert!(
            msg.contains("small") || msg.contains("at least") || msg.contains("minimum"),
            "{w}x{h}: {msg}"
        );
    }
    // 33x33 is the smallest size every v0 extractor accepts.
    let g = geometry(33, 33, 8);
    let mut ctx = default_context(1);
    for t in 0..3 {
        ctx.push(&picture(g, t, 0).view(), &picture(g, t, 9).view())
            .unwrap();
    }
    let r = ctx.finish().unwrap();
    let v = r.score("vmaf", 2).unwrap();
    assert!((0.0..=100.0).contains(&v));
}

#[test]
fn geometry_and_order_errors() {
    let mut ctx = default_context(1);
    let a = picture(geometry(64, 64, 8), 0, 0);
    let b = picture(geometry(64, 48, 8), 0, 0);
    let c = picture(geometry(64, 64, 10), 0, 0);
    assert!(matches!(
        ctx.push(&a.view(), &b.view()),
        Err(Error::Mismatch(_))
    ));
    assert!(matches!(
        ctx.push(&a.view(), &c.view()),
        Err(Error::Mismatch(_))
    ));
    ctx.push(&a.view(), &a.view()).unwrap();
    assert!(matches!(
        ctx.push(&b.view(), &b.view()),
        Err(Error::Mismatch(_))
    ));
    ctx.flush().unwrap();
    assert!(ctx.push(&a.view(), &a.view()).is_err());
    assert!(default_context(1).finish().is_err(), "zero frames");
}

fn run(threads: usize, subsample: usize, g: Geometry, frames: u32) -> String {
    let mut b = Context::builder()
        .threads(threads)
        .subsample(subsample)
        .model(ModelSpec::builtin("vmaf_v0.6.1").load().unwrap())
        .model(
            ModelSpec::parse("version=vmaf_b_v0.6.3:name=b")
                .unwrap()
                .load()
                .unwrap(),
        );
    for f in [
        "psnr",
        "float_ssim",
        "cambi",
        "ciede",
        "motion=motion_five_frame_window=true",
    ] {
        b = b.feature_spec(f).unwrap();
    }
    let mut ctx = b.build().unwrap();
    for t in 0..frames {
        ctx.push(&picture(g, t, 0).view(), &picture(g, t, 5 + t % 3).view())
            .unwrap();
    }
    let mut r = ctx.finish().unwrap();
    r.set_fps(None);
    r.to_json(&OutputOptions {
        precision: Precision::Max,
        ..Default::default()
    })
}

#[test]
fn identical_output_for_every_thread_count() {
    let g = geometry(240, 226, 10);
    let one = run(1, 1, g, 7);
    for threads in [2, 3, 5] {
        assert_eq!(run(threads, 1, g, 7), one, "threads {threads}");
    }
    let sub = run(1, 3, g, 7);
    assert_eq!(run(4, 3, g, 7), sub, "subsample with threads");
    assert!(sub.contains("\"frameNum\": 3,") && !sub.contains("\"frameNum\": 1,"));
}

/// SpEED's singular covariance (flat chroma) is scored as 0 like libvmaf and surfaced as a
/// diagnostic; libvmaf f85a853 logs "covariance matrix is singular" 6 times on this pair
/// (`vmaf -r flat_gray/ref.y4m -d flat_gray/dis_noise_ff_a6.y4m -m version=vmaf_v1.0.16_3d0h`).
#[test]
fn singular_covariance_is_reported() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/flat_gray");
    for threads in [1, 2] {
        let mut r = rvmaf::io::open_video(&dir.join("ref.y4m"), None).unwrap();
        let mut d = rvmaf::io::open_video(&dir.join("dis_noise_ff_a6.y4m"), None).unwrap();
        let mut ctx = Context::builder()
            .threads(threads)
            .model(ModelSpec::builtin("vmaf_v1.0.16_3d0h").load().unwrap())
            .build()
            .unwrap();
        let (mut rp, mut dp) = (
            Picture::new(r.geometry()).unwrap(),
            Picture::new(d.geometry()).unwrap(),
        );
        while r.read_frame(&mut rp).unwrap() && d.read_frame(&mut dp).unwrap() {
            ctx.push(&rp.view(), &dp.view()).unwrap();
        }
        let report = ctx.finish().unwrap();
        let diags = report.diagnostics();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].extractor, "speed_chroma");
        assert_eq!(diags[0].count, 6);
        assert_eq!(diags[0].first_frame, Some(0));
    }
}

/// One reference against several distorted inputs gives, for each, exactly the report of a
/// separate run (motion shared, temporal extractors per input), at any thread count, also
/// when one input ends early.
#[test]
fn multi_context_equals_separate_runs() {
    let g = geometry(240, 226, 8);
    let builder = |threads: usize| {
        let mut b = Context::builder()
            .threads(threads)
            .model(ModelSpec::builtin("vmaf_v0.6.1").load().unwrap())
            .model(
                ModelSpec::parse("version=vmaf_v1.0.16_3d0h:name=v1")
                    .unwrap()
                    .load()
                    .unwrap(),
            );
        for f in ["psnr", "float_ssim", "cambi"] {
            b = b.feature_spec(f).unwrap();
        }
        b
    };
    let frames = [5u32, 5, 3];
    let refs: Vec<Picture> = (0..5).map(|t| picture(g, t, 0)).collect();
    let dis: Vec<Vec<Picture>> = (0..3u32)
        .map(|k| (0..5).map(|t| picture(g, t, 2 + 3 * k)).collect())
        .collect();
    let opts = OutputOptions {
        precision: Precision::Max,
        ..Default::default()
    };
    let separate: Vec<String> = (0..3)
        .map(|k| {
            let mut c = builder(1).build().unwrap();
            for t in 0..frames[k] as usize {
                c.push(&refs[t].view(), &dis[k][t].view()).unwrap();
            }
            let mut r = c.finish().unwrap();
            r.set_fps(None);
            r.to_json(&opts)
        })
        .collect();
    for threads in [1, 3] {
        let mut m = rvmaf::MultiContext::new(&builder(threads), 3).unwrap();
        for t in 0..5usize {
            let some: Vec<(usize, rvmaf::PictureView<'_>)> = (0..3)
                .filter(|&k| t < frames[k] as usize)
                .map(|k| (k, dis[k][t].view()))
                .collect();
            m.push_some(&refs[t].view(), &some).unwrap();
        }
        for (k, mut r) in m.finish().unwrap().into_iter().enumerate() {
            r.set_fps(None);
            assert_eq!(
                r.to_json(&opts),
                separate[k],
                "input {k}, threads {threads}"
            );
        }
    }
}
