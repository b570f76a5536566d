//! float_ssim and float_ms_ssim: conformance with libvmaf's goldens over the whole corpus, and
//! unit tests on synthetic pictures (options, dB conversion, decimation scale, edge cases).

// Expected values are libvmaf's doubles printed with %.17g, kept verbatim.
#![allow(clippy::excessive_precision)]
// tests/common (shared, not ours) trips clippy::nonminimal_bool in chroma_comparable.
#![allow(clippy::nonminimal_bool)]

mod common;

use std::sync::Arc;

use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::{Error, FeatureDict, Geometry, Picture, PixelFormat};

/// Float features: project bound (the aim is identical doubles).
const FLOAT_TOL: f64 = 1e-5;

struct Row {
    feature: String,
    frames: usize,
    max: f64,
    worst: String,
}

fn print_table(title: &str, rows: &[Row]) {
    println!("\n{title}");
    println!(
        "{:<16} {:>7} {:>12}  worst clip/frame",
        "feature", "frames", "max |Δ|"
    );
    for r in rows {
        println!(
            "{:<16} {:>7} {:>12.3e}  {}",
            r.feature, r.frames, r.max, r.worst
        );
    }
}

/// Runs `extractor` over every pair × distorted clip of the corpus and compares `feature` with
/// the `vmaf_v0.6.1` golden, frame by frame.
fn corpus_check(extractor: &str, feature: &str) -> Row {
    let mut row = Row {
        feature: feature.to_string(),
        frames: 0,
        max: 0.0,
        worst: String::new(),
    };
    let mut exact = 0usize;
    for (pair, dists) in common::corpus_pairs() {
        for dis in dists {
            let golden = common::load_golden(&pair, &dis, "vmaf_v0.6.1");
            let (r, d) = common::pair_paths(&pair, &dis);
            let col = common::run_extractor(extractor, "", &r, &d)
                .unwrap_or_else(|e| panic!("{pair}/{dis}: {e}"));
            assert_eq!(
                col.frame_count(),
                golden.frames.len(),
                "{pair}/{dis}: frame count"
            );
            for (i, f) in golden.frames.iter().enumerate() {
                let g = f
                    .get(feature)
                    .unwrap_or_else(|| panic!("{pair}/{dis} frame {i}: golden lacks {feature}"))
                    .unwrap_or_else(|| panic!("{pair}/{dis} frame {i}: golden {feature} is null"));
                let o = col
                    .get(feature, i)
                    .unwrap_or_else(|| panic!("{pair}/{dis} frame {i}: {feature} not written"));
                let delta = (g - o).abs();
                if g.to_bits() == o.to_bits() {
                    exact += 1;
                }
                row.frames += 1;
                if delta > row.max {
                    row.max = delta;
                    row.worst = format!("{pair}/{dis}/{i}");
                }
                assert!(
                    delta <= FLOAT_TOL,
                    "{pair}/{dis} frame {i}: {feature} ours {o:.17} golden {g:.17} (|Δ| {delta:e})"
                );
            }
        }
    }
    if row.worst.is_empty() {
        row.worst = "-".to_string();
    }
    row.worst = format!("{} ({exact}/{} bit-exact)", row.worst, row.frames);
    row
}

#[test]
fn corpus_float_ssim() {
    let row = corpus_check("float_ssim", "float_ssim");
    print_table("float_ssim vs vmaf_v0.6.1 goldens", &[row]);
}

#[test]
fn corpus_float_ms_ssim() {
    let row = corpus_check("float_ms_ssim", "float_ms_ssim");
    print_table("float_ms_ssim vs vmaf_v0.6.1 goldens", &[row]);
}

// ---------------------------------------------------------------------------------------------
// Synthetic pictures. Expected values were printed (%.17g for scores, %.9g for the f32 l/c/s
// terms) by libvmaf's own `compute_ssim` / `compute_ms_ssim` (ssim.c, ms_ssim.c, iqa/*.c of
// Netflix/vmaf f85a853, gcc 12 -O3 -std=c11 -DNDEBUG) on the same frames, converted to float
// as picture_copy.c does. They are libvmaf's numbers, not ours.

/// A 4:2:0 picture whose luma is `f(x, y)` (clamped to the depth) and chroma mid-grey.
fn picture(w: usize, h: usize, bpc: u32, f: impl Fn(usize, usize) -> u32) -> Picture {
    picture_fmt(PixelFormat::Yuv420, w, h, bpc, f)
}

fn picture_fmt(
    format: PixelFormat,
    w: usize,
    h: usize,
    bpc: u32,
    f: impl Fn(usize, usize) -> u32,
) -> Picture {
    let g = Geometry {
        format,
        bit_depth: bpc,
        width: w,
        height: h,
    };
    let mut pic = Picture::new(g).unwrap();
    let max = (1u32 << bpc) - 1;
    let luma: Vec<u32> = (0..w * h).map(|i| f(i % w, i / w).min(max)).collect();
    let (cw, ch) = g.plane_size(1);
    let chroma = vec![1u32 << (bpc - 1); cw * ch];
    let planes: Vec<&[u32]> = if format == PixelFormat::Yuv400 {
        vec![&luma]
    } else {
        vec![&luma, &chroma, &chroma]
    };
    for (p, src) in planes.iter().enumerate() {
        if bpc > 8 {
            for (o, &v) in pic.plane_u16_mut(p).unwrap().iter_mut().zip(src.iter()) {
                *o = v as u16;
            }
        } else {
            for (o, &v) in pic.plane_u8_mut(p).unwrap().iter_mut().zip(src.iter()) {
                *o = v as u8;
            }
        }
    }
    pic
}

/// Deterministic texture (the C harness uses the same formula in u32 arithmetic).
fn textured(seed: u32, bpc: u32) -> impl Fn(usize, usize) -> u32 {
    move |x, y| {
        let (x, y) = (x as u32, y as u32);
        let v = (x * 7 + y * 13 + seed) ^ ((x * y) >> 3);
        (v % 251) << (bpc - 8)
    }
}

fn flat(v: u32, bpc: u32) -> impl Fn(usize, usize) -> u32 {
    move |_, _| v << (bpc - 8)
}

/// Runs one frame through an extractor and returns what it wrote.
fn run_one(
    name: &str,
    opts: &str,
    r: &Picture,
    d: &Picture,
) -> rvmaf::Result<Vec<(Arc<str>, f64)>> {
    let def = features::by_name(name)?;
    let options = def.parse_options(&FeatureDict::parse_colon_list(opts)?)?;
    let mut ext = (def.create)(&options, r.geometry())?;
    let mut out = FrameScores::new();
    let input = FrameInput {
        index: 0,
        reference: r.view(),
        distorted: d.view(),
        prev_ref: None,
        prev_prev_ref: None,
    };
    ext.extract(&input, &mut out)?;
    Ok(out.entries().to_vec())
}

fn value(entries: &[(Arc<str>, f64)], key: &str) -> f64 {
    entries
        .iter()
        .find(|(k, _)| &**k == key)
        .unwrap_or_else(|| panic!("{key} not written"))
        .1
}

fn ssim(opts: &str, r: &Picture, d: &Picture) -> f64 {
    value(&run_one("float_ssim", opts, r, d).unwrap(), "float_ssim")
}

fn ms_ssim(opts: &str, r: &Picture, d: &Picture) -> f64 {
    value(
        &run_one("float_ms_ssim", opts, r, d).unwrap(),
        "float_ms_ssim",
    )
}

/// Asserts float_ssim with `enable_lcs` gives libvmaf's (ssim, l, c, s) exactly.
fn assert_ssim_lcs(opts: &str, r: &Picture, d: &Picture, expect: [f64; 4], what: &str) {
    let opts = if opts.is_empty() {
        "enable_lcs=true".to_string()
    } else {
        format!("{opts}:enable_lcs=true")
    };
    let e = run_one("float_ssim", &opts, r, d).unwrap();
    let keys = ["float_ssim", "float_ssim_l", "float_ssim_c", "float_ssim_s"];
    for (k, x) in keys.iter().zip(expect) {
        assert_eq!(value(&e, k), x, "{what}: {k}");
    }
}

/// Asserts float_ms_ssim with `enable_lcs` gives libvmaf's score exactly and its per-scale
/// (l, c, s), given to 9 significant digits (exact for f32).
fn assert_ms_lcs(r: &Picture, d: &Picture, score: f64, lcs: [[f32; 3]; 5], what: &str) {
    let e = run_one("float_ms_ssim", "enable_lcs=true", r, d).unwrap();
    assert_eq!(value(&e, "float_ms_ssim"), score, "{what}: float_ms_ssim");
    for (i, t) in lcs.iter().enumerate() {
        for (j, n) in ["l", "c", "s"].iter().enumerate() {
            let k = format!("float_ms_ssim_{n}_scale{i}");
            assert_eq!(value(&e, &k), f64::from(t[j]), "{what}: {k}");
        }
    }
}

#[test]
fn identical_inputs() {
    for bpc in [8, 10, 12, 16] {
        let a = picture(200, 180, bpc, textured(3, bpc));
        assert_ssim_lcs("", &a, &a, [1.0; 4], "identical texture");
        assert_ms_lcs(&a, &a, 1.0, [[1.0; 3]; 5], "identical texture");
        let black = picture(200, 180, bpc, flat(16, bpc));
        assert_eq!(ssim("", &black, &black), 1.0);
        assert_eq!(ms_ssim("", &black, &black), 1.0);
        // libvmaf quirk, reproduced: on a flat 77 picture the Gaussian taps sum to 1.000002,
        // and l = (2μ² + C1) / f32(2μ² + C1) misses 1 by one f32 ulp, so identical pictures
        // score 0.99999994 (and MS-SSIM 0.99999999205...).
        let grey = picture(200, 180, bpc, flat(77, bpc));
        assert_ssim_lcs(
            "",
            &grey,
            &grey,
            [0.99999994039535522, 0.99999994039535522, 1.0, 1.0],
            "flat 77",
        );
        assert_ms_lcs(
            &grey,
            &grey,
            0.99999999205470025,
            [[0.99999994, 1.0, 1.0]; 5],
            "flat 77",
        );
    }
}

#[test]
fn textured_pairs_match_libvmaf_at_every_depth() {
    // Samples go to the 8-bit scale (÷ 2^(bpc-8), exact), so v << (bpc-8) scores as v.
    // 9, 11, 13–15 bits: rvmaf applies the same rule (libvmaf's picture_copy only knows 10,
    // 12 and 16 bits and reads other depths as bytes), so they must give libvmaf's 8-bit value.
    for bpc in 8..=16 {
        let r = picture(192, 190, bpc, textured(1, bpc));
        let d = picture(192, 190, bpc, textured(5, bpc));
        let what = format!("192x190 {bpc}-bit");
        assert_ssim_lcs(
            "",
            &r,
            &d,
            [
                0.68024444580078125,
                0.99525672197341919,
                0.99253636598587036,
                0.68611377477645874,
            ],
            &what,
        );
        assert_ms_lcs(
            &r,
            &d,
            0.91211704753030354,
            [
                [0.995256722, 0.992536366, 0.686113775],
                [0.998676717, 0.99575603, 0.843742132],
                [0.999560833, 0.998019516, 0.942747951],
                [0.999778032, 0.999526978, 0.978028178],
                [0.999963462, 0.999977171, 0.989723921],
            ],
            &what,
        );
    }
    let r = picture(200, 200, 8, textured(4, 8));
    let d = picture(200, 200, 8, textured(6, 8));
    assert_ms_lcs(
        &r,
        &d,
        0.95283082800335672,
        [
            [0.997377932, 0.996115267, 0.825706244],
            [0.999350667, 0.997395515, 0.913529813],
            [0.999812901, 0.999107659, 0.969042003],
            [0.999921799, 0.999682367, 0.988334715],
            [0.999991119, 0.999993503, 0.996747553],
        ],
        "200x200",
    );
}

#[test]
fn max_value_16_bit_pixels() {
    let r = picture(180, 180, 16, |_, _| 65535);
    let d = picture(
        180,
        180,
        16,
        |x, y| if (x + y) % 2 == 0 { 65535 } else { 0 },
    );
    assert_ssim_lcs(
        "",
        &r,
        &d,
        [
            0.0028475159779191017,
            0.80001592636108398,
            0.0035593241918832064,
            1.0,
        ],
        "16-bit max",
    );
    assert_ms_lcs(
        &r,
        &d,
        0.75402234813558011,
        [
            [0.800015926, 0.00355932419, 1.0],
            [0.800014436, 1.0, 1.0],
            [0.800014496, 1.0, 1.0],
            [0.800014496, 1.0, 1.0],
            [0.800014555, 1.0, 1.0],
        ],
        "16-bit max",
    );
    assert_eq!(ssim("", &r, &r), 1.0);
}

/// The dB formula of `float_ssim.c` / `float_ms_ssim.c`: min(-10·log10(1 - score), max_db),
/// max_db = ceil(10·log10(peak² / (0.5 / (w·h)))) with clip_db, else +inf.
fn db(score: f64, clip: Option<(u32, usize, usize)>) -> f64 {
    let v = -10.0 * (1.0 - score).log10();
    match clip {
        None => v,
        Some((bpc, w, h)) => v.min(cap(bpc, w, h)),
    }
}

fn cap(bpc: u32, w: usize, h: usize) -> f64 {
    let peak = ((1u64 << bpc) - 1) as f64;
    (10.0 * (peak * peak / (0.5 / (w * h) as f64)).log10()).ceil()
}

#[test]
fn enable_db_and_clip_db() {
    let (w, h) = (190, 180);
    // libvmaf's plain scores of this pair (see the note above).
    let cases = [
        ("float_ssim", 0.53742825984954834),
        ("float_ms_ssim", 0.86666013973405098),
    ];
    for (name, plain) in cases {
        for bpc in [8, 10, 12, 16] {
            let r = picture(w, h, bpc, textured(2, bpc));
            let d = picture(w, h, bpc, textured(9, bpc));
            let get = |opts: &str, a: &Picture, b: &Picture| {
                value(&run_one(name, opts, a, b).unwrap(), name)
            };
            assert_eq!(get("", &r, &d), plain, "{name} {bpc}-bit");
            assert_eq!(get("enable_db=true", &r, &d), db(plain, None));
            assert_eq!(
                get("enable_db=true:clip_db=true", &r, &d),
                db(plain, Some((bpc, w, h)))
            );
            // clip_db alone changes nothing.
            assert_eq!(get("clip_db=true", &r, &d), plain);
            // Identical pictures: -10·log10(0) = +inf, capped with clip_db.
            assert_eq!(get("enable_db=true", &r, &r), f64::INFINITY);
            assert_eq!(
                get("enable_db=true:clip_db=true", &r, &r),
                cap(bpc, w, h),
                "{name} {bpc}-bit cap"
            );
        }
    }
    // Caps by hand: 10·log10(peak² · 2·190·180) = 96.48 (8 bits) → 97; 16 bits: 144.66 → 145.
    assert_eq!(cap(8, w, h), 97.0);
    assert_eq!(cap(16, w, h), 145.0);
    // Flat 77 grey against itself: 0.99999994 → 72.2 dB (finite, below the cap).
    let grey = picture(w, h, 8, flat(77, 8));
    let v = ssim("enable_db=true:clip_db=true", &grey, &grey);
    assert_eq!(v, db(0.99999994039535522, None));
    assert!(v > 72.0 && v < 72.3);
}

#[test]
fn enable_lcs_output_order() {
    let r = picture(200, 200, 8, textured(4, 8));
    let d = picture(200, 200, 8, textured(6, 8));
    let s = run_one("float_ssim", "enable_lcs=true", &r, &d).unwrap();
    let keys: Vec<&str> = s.iter().map(|(k, _)| &**k).collect();
    assert_eq!(
        keys,
        ["float_ssim", "float_ssim_l", "float_ssim_c", "float_ssim_s"]
    );
    let m = run_one("float_ms_ssim", "enable_lcs=true", &r, &d).unwrap();
    let keys: Vec<String> = m.iter().map(|(k, _)| k.to_string()).collect();
    let mut expect = vec!["float_ms_ssim".to_string()];
    for t in ["l", "c", "s"] {
        for i in 0..5 {
            expect.push(format!("float_ms_ssim_{t}_scale{i}"));
        }
    }
    assert_eq!(keys, expect);
    // Without enable_lcs only the score is written.
    assert_eq!(run_one("float_ssim", "", &r, &d).unwrap().len(), 1);
    assert_eq!(run_one("float_ms_ssim", "", &r, &d).unwrap().len(), 1);
}

#[test]
fn scale_option() {
    let r = picture(600, 560, 8, textured(1, 8));
    let d = picture(600, 560, 8, textured(3, 8));
    // libvmaf's (ssim, l, c, s) for scale = 0 (auto) .. 10.
    let expect: [[f64; 4]; 11] = [
        [
            0.89532828330993652,
            0.9995386004447937,
            0.99717634916305542,
            0.89814507961273193,
        ],
        [
            0.85147362947463989,
            0.99810010194778442,
            0.99872130155563354,
            0.85363596677780151,
        ],
        [
            0.89532828330993652,
            0.9995386004447937,
            0.99717634916305542,
            0.89814507961273193,
        ],
        [
            0.89996302127838135,
            0.99979400634765625,
            0.99722284078598022,
            0.90255391597747803,
        ],
        [
            0.89313399791717529,
            0.99988263845443726,
            0.99671274423599243,
            0.89604592323303223,
        ],
        [
            0.88985556364059448,
            0.99992579221725464,
            0.99669343233108521,
            0.89276176691055298,
        ],
        [
            0.89641821384429932,
            0.99994891881942749,
            0.99677330255508423,
            0.89927327632904053,
        ],
        [
            0.90126526355743408,
            0.99996030330657959,
            0.99704885482788086,
            0.90389704704284668,
        ],
        [
            0.90647029876708984,
            0.99997234344482422,
            0.99712926149368286,
            0.90902441740036011,
        ],
        [
            0.91642415523529053,
            0.99997758865356445,
            0.99710738658905029,
            0.91904944181442261,
        ],
        [
            0.92151862382888794,
            0.99998265504837036,
            0.99765795469284058,
            0.92366623878479004,
        ],
    ];
    for (s, e) in expect.iter().enumerate() {
        assert_ssim_lcs(&format!("scale={s}"), &r, &d, *e, &format!("scale={s}"));
    }
    // Auto: round(384 / 256) = round(1.5) = 2 (IQA rounds half away from zero).
    let r = picture(400, 384, 8, textured(1, 8));
    let d = picture(400, 384, 8, textured(3, 8));
    assert_eq!(ssim("", &r, &d), 0.91181546449661255);
    assert_eq!(ssim("scale=2", &r, &d), 0.91181546449661255);
}

#[test]
fn odd_sizes_every_format() {
    // 181×177, 10-bit; odd sizes make the decimated size w / scale + 1.
    let fr = |x: usize, y: usize| ((y * 181 + x) * 37 % 1021) as u32;
    let fd = |x: usize, y: usize| ((y * 181 + x) * 41 % 1019) as u32;
    for fmt in [
        PixelFormat::Yuv400,
        PixelFormat::Yuv420,
        PixelFormat::Yuv422,
        PixelFormat::Yuv444,
    ] {
        let r = picture_fmt(fmt, 181, 177, 10, fr);
        let d = picture_fmt(fmt, 181, 177, 10, fd);
        let what = format!("181x177 {fmt:?}");
        assert_ssim_lcs(
            "",
            &r,
            &d,
            [
                0.0062819807790219784,
                0.99433928728103638,
                0.99876385927200317,
                0.0061868955381214619,
            ],
            &what,
        );
        assert_ms_lcs(
            &r,
            &d,
            0.12805734145273664,
            [
                [0.994339287, 0.998763859, 0.00618689554],
                [0.99990195, 0.949064553, 0.0187509898],
                [0.999991894, 0.749173164, 0.150049269],
                [0.999997854, 0.99046129, 0.932405412],
                [0.999998152, 0.999227941, 0.985255957],
            ],
            &what,
        );
    }
    let r = picture(181, 177, 10, fr);
    let d = picture(181, 177, 10, fd);
    let expect = [
        (2, 0.015651077032089233),
        (3, 0.047804944217205048),
        (4, 0.087698720395565033),
        (5, 0.12887014448642731),
    ];
    for (s, e) in expect {
        assert_eq!(ssim(&format!("scale={s}"), &r, &d), e, "odd, scale {s}");
    }
}

#[test]
fn option_validation() {
    let def = features::by_name("float_ssim").unwrap();
    for bad in [
        "scale=11",
        "scale=-1",
        "scale=abc",
        "enable_db=1",
        "clip_db=yes",
        "unknown=1",
    ] {
        let dict = FeatureDict::parse_colon_list(bad).unwrap();
        assert!(
            matches!(def.parse_options(&dict), Err(Error::FeatureOption { .. })),
            "{bad} accepted"
        );
    }
    let ms = features::by_name("float_ms_ssim").unwrap();
    let dict = FeatureDict::parse_colon_list("scale=2").unwrap();
    assert!(ms.parse_options(&dict).is_err(), "ms_ssim has no scale");
    // No option is a FEATURE_PARAM: names never change.
    let o = def
        .parse_options(
            &FeatureDict::parse_colon_list("enable_db=true:clip_db=true:scale=3:enable_lcs=true")
                .unwrap(),
        )
        .unwrap();
    assert_eq!(features::output_names(def, &o)[0].as_ref(), "float_ssim");
    let o = ms
        .parse_options(&FeatureDict::parse_colon_list("enable_db=true").unwrap())
        .unwrap();
    assert_eq!(features::output_names(ms, &o)[0].as_ref(), "float_ms_ssim");
}

#[test]
fn small_sizes() {
    // MS-SSIM: libvmaf fails with "scale below 1x1" (176×144 stops at scale 4, 11×9).
    for (w, h) in [(176, 144), (175, 176), (64, 64), (10, 300)] {
        let a = picture(w, h, 8, textured(0, 8));
        let e = run_one("float_ms_ssim", "", &a, &a).unwrap_err();
        assert!(
            matches!(&e, Error::Extraction { message, .. } if message.contains("too small")),
            "{w}x{h}: {e}"
        );
    }
    // 176×176 is the smallest square libvmaf accepts.
    let r = picture(176, 176, 8, textured(0, 8));
    let d = picture(176, 176, 8, textured(7, 8));
    assert_eq!(ms_ssim("", &r, &d), 0.86718089404376164);
    assert_eq!(ssim("", &r, &d), 0.53337234258651733);
    // float_ssim on 176×144 is fine in libvmaf.
    let r = picture(176, 144, 8, textured(0, 8));
    let d = picture(176, 144, 8, textured(7, 8));
    assert_eq!(ssim("", &r, &d), 0.52363961935043335);
    // 11×11 holds exactly one SSIM window.
    let r = picture(11, 11, 8, textured(0, 8));
    let d = picture(11, 11, 8, textured(7, 8));
    assert_eq!(ssim("", &r, &d), 0.98762911558151245);
    // Smaller than the window (after decimation): libvmaf averages over an empty window
    // (NaN or garbage); rvmaf refuses.
    for (w, h, opts) in [(10, 50, ""), (50, 10, ""), (100, 100, "scale=10")] {
        let a = picture(w, h, 8, textured(0, 8));
        let e = run_one("float_ssim", opts, &a, &a).unwrap_err();
        assert!(matches!(e, Error::Extraction { .. }), "{w}x{h}: {e}");
    }
}

#[test]
fn bad_bit_depth_is_refused() {
    for name in ["float_ssim", "float_ms_ssim"] {
        let def = features::by_name(name).unwrap();
        let options = def.parse_options(&FeatureDict::new()).unwrap();
        for bit_depth in [0, 7, 17, 32] {
            let g = Geometry {
                format: PixelFormat::Yuv420,
                bit_depth,
                width: 200,
                height: 200,
            };
            assert!(
                matches!((def.create)(&options, g), Err(Error::Extraction { .. })),
                "{name} {bit_depth}"
            );
        }
    }
}

#[test]
fn picture_geometry_mismatch_is_an_error() {
    let def = features::by_name("float_ssim").unwrap();
    let options = def.parse_options(&FeatureDict::new()).unwrap();
    let r = picture(200, 200, 8, textured(0, 8));
    let small = picture(190, 200, 8, textured(0, 8));
    let mut ext = (def.create)(&options, r.geometry()).unwrap();
    let mut out = FrameScores::new();
    let input = FrameInput {
        index: 0,
        reference: r.view(),
        distorted: small.view(),
        prev_ref: None,
        prev_prev_ref: None,
    };
    assert!(ext.extract(&input, &mut out).is_err());
}
