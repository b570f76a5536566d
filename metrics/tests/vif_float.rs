//! Float VIF (`float_vif`) against libvmaf's `vmaf_float_v0.6.1` goldens over the whole corpus,
//! plus options, prescaling and edge cases on synthetic input.
//!
//! Bound: the project bound for float features is 1e-5; the port mirrors libvmaf's float/double
//! evaluation order, so the corpus is expected to match exactly (asserted below).

// the shared helper trips a pedantic lint that is not ours to fix
#[allow(clippy::nonminimal_bool)]
mod common;

use common::*;
use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::io::open_video;
use rvmaf::options::feature_alias;
use rvmaf::{Collector, FeatureDict, Geometry, Picture, PixelFormat, PlaneRef};

const SCALES: [&str; 4] = [
    "VMAF_feature_vif_scale0_score",
    "VMAF_feature_vif_scale1_score",
    "VMAF_feature_vif_scale2_score",
    "VMAF_feature_vif_scale3_score",
];

/// Max |Δ| of one feature over the corpus and where it happened.
#[derive(Debug, Default)]
struct Worst {
    frames: usize,
    max: f64,
    at: String,
}

fn compare(col: &Collector, key: &str, golden: &Golden, gkey: &str, clip: &str, w: &mut Worst) {
    assert!(!golden.frames.is_empty(), "{clip}: empty golden");
    for (i, f) in golden.frames.iter().enumerate() {
        let g = f
            .get(gkey)
            .unwrap_or_else(|| panic!("{clip}: golden has no {gkey}"))
            .unwrap_or_else(|| panic!("{clip}: golden {gkey} is null at frame {i}"));
        let o = col
            .get(key, i)
            .unwrap_or_else(|| panic!("{clip}: we wrote no {key} at frame {i}"));
        let d = (g - o).abs();
        w.frames += 1;
        if d > w.max || w.at.is_empty() {
            w.max = w.max.max(d);
            w.at = format!("{clip} #{i} (ours {o:.17}, libvmaf {g:.17})");
        }
    }
}

fn print_table(title: &str, rows: &[(String, Worst)]) {
    println!("\n{title}");
    println!("{:<40} {:>6} {:>12}  worst", "feature", "frames", "max |Δ|");
    for (k, w) in rows {
        println!("{k:<40} {:>6} {:>12.3e}  {}", w.frames, w.max, w.at);
    }
}

#[test]
fn corpus_vmaf_float_v061() {
    let mut rows: Vec<(String, Worst)> = SCALES
        .iter()
        .map(|s| (feature_alias(s).to_string(), Worst::default()))
        .collect();
    for (pair, dists) in corpus_pairs() {
        for dis in dists {
            let (r, d) = pair_paths(&pair, &dis);
            let col = run_extractor("float_vif", "", &r, &d).unwrap();
            let golden = load_golden(&pair, &dis, "vmaf_float_v0.6.1");
            let clip = format!("{pair}/{dis}");
            for (k, row) in SCALES.iter().zip(rows.iter_mut()) {
                compare(&col, k, &golden, feature_alias(k), &clip, &mut row.1);
            }
        }
    }
    print_table("float_vif vs vmaf_float_v0.6.1 goldens", &rows);
    for (k, w) in &rows {
        assert!(w.frames > 0, "{k}: nothing compared");
        assert!(w.max <= 1e-5, "{k}: max |Δ| {} at {}", w.max, w.at);
        // the port is exact; keep it that way
        assert_eq!(w.max, 0.0, "{k}: max |Δ| {} at {}", w.max, w.at);
    }
}

fn run_pictures(opts: &str, refs: &[Picture], diss: &[Picture]) -> rvmaf::Result<Collector> {
    let def = features::by_name("float_vif").unwrap();
    let options = def.parse_options(&FeatureDict::parse_colon_list(opts)?)?;
    let mut ext = (def.create)(&options, refs[0].geometry())?;
    let mut col = Collector::new();
    for (i, (r, d)) in refs.iter().zip(diss).enumerate() {
        let input = FrameInput {
            index: i,
            reference: r.view(),
            distorted: d.view(),
            prev_ref: None,
            prev_prev_ref: None,
        };
        let mut out = FrameScores::new();
        ext.extract(&input, &mut out)?;
        for (k, v) in out.entries() {
            col.append(k, i, *v)?;
        }
    }
    Ok(col)
}

/// Reads `path` and re-expresses every luma sample `p` as `p << shift` (4:0:0, depth 8+shift).
fn shifted_frames(path: &std::path::Path, shift: u32) -> Vec<Picture> {
    let mut rd = open_video(path, None).unwrap();
    let g = rd.geometry();
    let g2 = Geometry {
        bit_depth: 8 + shift,
        format: PixelFormat::Yuv400,
        ..g
    };
    let mut out = Vec::new();
    loop {
        let mut p = Picture::new(g).unwrap();
        if !rd.read_frame(&mut p).unwrap() {
            break;
        }
        let src = match p.view().luma() {
            PlaneRef::U8(pl) => pl.data().to_vec(),
            _ => unreachable!(),
        };
        let mut q = Picture::new(g2).unwrap();
        for (d, s) in q.plane_u16_mut(0).unwrap().iter_mut().zip(src) {
            *d = (s as u16) << shift;
        }
        out.push(q);
    }
    out
}

#[test]
fn high_bit_depths_match_8bit_goldens() {
    // sample / 2^(bpc-8) restores the 8-bit value exactly, so 10/12/16-bit copies of 8-bit clips
    // (the depths libvmaf supports) must give libvmaf's 8-bit numbers; 9..15 follow the same rule
    let (pair, dis) = ("mandelbrot_481x271", "vp9_crf50");
    let (r, d) = pair_paths(pair, dis);
    let golden = load_golden(pair, dis, "vmaf_float_v0.6.1");
    for shift in 1..=8 {
        let col = run_pictures("", &shifted_frames(&r, shift), &shifted_frames(&d, shift)).unwrap();
        for k in SCALES {
            let mut w = Worst::default();
            compare(&col, k, &golden, feature_alias(k), pair, &mut w);
            assert_eq!(w.max, 0.0, "{}-bit {k}: {}", 8 + shift, w.at);
        }
    }
}

fn synthetic(bpc: u32, w: usize, h: usize, f: impl Fn(usize, usize) -> u16) -> Picture {
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bpc,
        width: w,
        height: h,
    };
    let mut p = Picture::new(g).unwrap();
    if bpc == 8 {
        for (i, v) in p.plane_u8_mut(0).unwrap().iter_mut().enumerate() {
            *v = f(i % w, i / w) as u8;
        }
    } else {
        for (i, v) in p.plane_u16_mut(0).unwrap().iter_mut().enumerate() {
            *v = f(i % w, i / w);
        }
    }
    p
}

#[test]
fn max_value_16bit_frames() {
    let max = synthetic(16, 48, 40, |_, _| u16::MAX);
    let check = synthetic(
        16,
        48,
        40,
        |x, y| if (x ^ y) & 1 == 1 { u16::MAX } else { 0 },
    );
    let col = run_pictures("debug=true", &[max.clone(), check.clone()], &[max, check]).unwrap();
    for i in 0..2 {
        for k in SCALES {
            let v = col.get(k, i).unwrap();
            assert!(v.is_finite(), "{k} #{i} = {v}");
        }
    }
    // identical flat frames: every pixel takes the σ₁² < σ²ₙ branch with σ₂² ≈ 0 (float
    // rounding of the filtered squares leaves a residue of a few ulps) → 1
    for k in SCALES.iter().chain(&["vif"]) {
        let v = col.get(k, 0).unwrap();
        assert!((v - 1.0).abs() < 1e-6, "{k} = {v}");
    }
}

#[test]
fn options_names_and_validation() {
    let def = features::by_name("float_vif").unwrap();
    let parse = |s: &str| def.parse_options(&FeatureDict::parse_colon_list(s).unwrap());
    assert!(parse("vif_kernelscale=0.05").is_err());
    assert!(parse("vif_prescale=5").is_err());
    assert!(parse("vif_sigma_nsq=6").is_err());
    assert!(parse("vif_scale1_min_val=1.5").is_err());
    let o = parse("vif_skip_scale0=true:vif_enhn_gain_limit=1:vif_kernelscale=0.5").unwrap();
    let names = features::output_names(def, &o);
    // sorted by option name: vif_enhn_gain_limit < vif_kernelscale < vif_skip_scale0
    assert_eq!(&*names[0], "vif_scale0_egl_1_ks_0.5_ssclz");
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: 8,
        width: 64,
        height: 64,
    };
    let create = |s: &str| (def.create)(&parse(s).unwrap(), g).map(|_| ());
    let e = create("vif_kernelscale=1.2").unwrap_err().to_string();
    assert!(e.contains("vif_kernelscale"), "{e}");
    let e = create("vif_prescale_method=area").unwrap_err().to_string();
    assert!(e.contains("vif_prescale_method"), "{e}");
    assert!(create("vif_prescale=2:vif_prescale_method=bilinear").is_ok());
    assert!(create("vif_kernelscale=0.5").is_ok());
    // bilinear output wider than libvmaf's 7680-column limit is refused as in libvmaf
    let wide = Geometry { width: 4000, ..g };
    let o = parse("vif_prescale=2:vif_prescale_method=bilinear").unwrap();
    assert!((def.create)(&o, wide).is_err());
    // a larger kernel needs larger frames: at ks = 3 scale 3 has 9 taps, too many for 32 / 8 px
    let small = Geometry {
        width: 32,
        height: 32,
        ..g
    };
    assert!((def.create)(&parse("").unwrap(), small).is_ok());
    let e = (def.create)(&parse("vif_kernelscale=3").unwrap(), small)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(e.contains("too small"), "{e}");
}

#[test]
fn tiny_planes_are_rejected_with_a_clear_error() {
    let def = features::by_name("float_vif").unwrap();
    let o = def.parse_options(&FeatureDict::new()).unwrap();
    for (w, h) in [(15, 100), (100, 15), (8, 8), (1, 1)] {
        let g = Geometry {
            format: PixelFormat::Yuv420,
            bit_depth: 8,
            width: w,
            height: h,
        };
        let e = match (def.create)(&o, g) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{w}x{h} accepted"),
        };
        assert!(e.contains("too small") && e.contains("float_vif"), "{e}");
    }
    let p = synthetic(8, 16, 16, |x, y| ((x * 13 + y * 7) % 256) as u16);
    let q = synthetic(8, 16, 16, |x, y| ((x * 11 + y * 5) % 256) as u16);
    let col = run_pictures("", std::slice::from_ref(&p), std::slice::from_ref(&q)).unwrap();
    assert!(col.get(SCALES[3], 0).unwrap().is_finite());
    // prescaling a tiny frame up makes it large enough
    let p = synthetic(8, 6, 6, |x, y| ((x * 13 + y * 7) % 256) as u16);
    let q = synthetic(8, 6, 6, |x, y| ((x * 11 + y * 5) % 256) as u16);
    for m in ["nearest", "bilinear", "bicubic", "lanczos4"] {
        let opts = format!("vif_prescale=4:vif_prescale_method={m}");
        let col = run_pictures(&opts, std::slice::from_ref(&p), std::slice::from_ref(&q)).unwrap();
        let pm = if m == "nearest" {
            String::new()
        } else {
            format!("_pm_{m}")
        };
        let key = format!("vif_scale3_ps_4{pm}");
        assert!(col.get(&key, 0).unwrap().is_finite(), "{m}");
    }
}

#[test]
fn debug_outputs_and_options_on_a_corpus_clip() {
    let (r, d) = pair_paths("dune_pan", "x264_crf35");
    let golden = load_golden("dune_pan", "x264_crf35", "vmaf_float_v0.6.1");
    let dbg = run_extractor("float_vif", "debug=true", &r, &d).unwrap();
    assert_eq!(
        dbg.names(),
        features::by_name("float_vif").unwrap().provided
    );
    for i in 0..golden.frames.len() {
        let (mut n, mut dd) = (0.0, 0.0);
        for (s, k) in SCALES.iter().enumerate() {
            let v = dbg.get(k, i).unwrap();
            assert_eq!(Some(v), golden.frames[i][&format!("vif_scale{s}")]);
            let num = dbg.get(&format!("vif_num_scale{s}"), i).unwrap();
            let den = dbg.get(&format!("vif_den_scale{s}"), i).unwrap();
            assert_eq!(num / den, v);
            n += num;
            dd += den;
        }
        assert_eq!(dbg.get("vif_num", i), Some(n));
        assert_eq!(dbg.get("vif_den", i), Some(dd));
        assert_eq!(dbg.get("vif", i), Some(n / dd));
    }
    // skip scale 0: scales 1..3 unchanged, scale 0 written as 0 (num 0, den -1)
    let skip = run_extractor("float_vif", "debug=true:vif_skip_scale0=true", &r, &d).unwrap();
    for i in 0..golden.frames.len() {
        assert_eq!(skip.get("vif_scale0_ssclz", i), Some(0.0));
        assert_eq!(skip.get("vif_num_scale0_ssclz", i), Some(0.0));
        assert_eq!(skip.get("vif_den_scale0_ssclz", i), Some(-1.0));
        for s in 1..4 {
            assert_eq!(
                skip.get(&format!("vif_scale{s}_ssclz"), i),
                golden.frames[i][&format!("vif_scale{s}")]
            );
        }
    }
    // a minimum value clamps scales 1..3 from below
    let clamp = run_extractor("float_vif", "vif_scale3_min_val=0.999", &r, &d).unwrap();
    for i in 0..golden.frames.len() {
        let g = golden.frames[i]["vif_scale3"].unwrap();
        assert_eq!(
            clamp.get("vif_scale3_s3miv_0.999", i),
            Some(if g > 0.999 { g } else { 0.999 })
        );
    }
}

#[test]
fn prescale_methods_run_on_a_corpus_clip() {
    let (r, d) = pair_paths("mandelbrot_481x271", "gblur_s1.5");
    for m in ["nearest", "bilinear", "bicubic", "lanczos4"] {
        for ps in ["0.5", "1.5"] {
            let opts = format!("vif_prescale={ps}:vif_prescale_method={m}");
            let col = run_extractor("float_vif", &opts, &r, &d).unwrap();
            let pm = if m == "nearest" {
                String::new()
            } else {
                format!("_pm_{m}")
            };
            for s in 0..4 {
                let key = format!("vif_scale{s}_ps_{ps}{pm}");
                let v = col.get(&key, 0).unwrap();
                assert!(v.is_finite() && v > 0.0, "{key} = {v}");
            }
        }
    }
}

/// One row of `C_REFERENCE`.
type CReferenceRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u8,
    usize,
    [f64; 7],
);

/// libvmaf's own numbers for non-default options on `mandelbrot_481x271/vp9_crf50` (the
/// corpus goldens only cover the defaults): (egl, kernelscale, prescale, method, sigma_nsq,
/// skip_scale0, frame, [scale0..3, vif, vif_num, vif_den]).
///
/// Provenance: libvmaf f85a853 `vif_tools.c` and `vif.c` compiled standalone with gcc -O2 on
/// x86-64 (no AVX: the scalar filters), driven by a copy of `float_vif.c`'s `extract` (8-bit
/// `picture_copy`, `vif_scale_frame_s`, `compute_vif`, default min values), printing `%.17g`.
#[allow(clippy::excessive_precision)]
#[rustfmt::skip]
const C_REFERENCE: &[CReferenceRow] = &[
    ("100", "0.5", "1", "nearest", "2", 0, 0, [0.63053579214536282, 0.88042742650396322, 0.93847686624122328, 0.97157820941894424, 0.68428209874905344, 531126.5986328125, 776180.7587890625]),
    ("100", "0.5", "1", "nearest", "2", 0, 1, [0.5520916970240447, 0.80769026458504856, 0.89417437729431748, 0.94338767603967277, 0.60837679728377325, 475683.234375, 781889.1787109375]),
    ("100", "1.5", "1", "nearest", "2", 0, 0, [0.65578851082286505, 0.97770569317929101, 0.9900064773472772, 0.99322252738693528, 0.71791759127304855, 682141.44970703125, 950166.78515625]),
    ("100", "1.5", "1", "nearest", "2", 0, 1, [0.55624323123546149, 0.9506698652624761, 0.97727198004511417, 0.98601402320262588, 0.63274683701399592, 604773.97802734375, 955791.388671875]),
    ("100", "3.711340", "1", "nearest", "2", 0, 0, [0.68503913935369398, 0.99381586412388279, 0.99641278945476097, 0.99825353780264903, 0.74340160410912048, 842263.44140625, 1132985.7734375]),
    ("100", "3.711340", "1", "nearest", "2", 0, 1, [0.55824396579736923, 0.98674174363092215, 0.99333454764342277, 0.99710028131599171, 0.63923229558642425, 727642.119140625, 1138306.2529296875]),
    ("1", "1", "1", "nearest", "1", 0, 0, [0.58647520926607255, 0.91512395167463356, 0.95510222082313478, 0.97166893160331336, 0.65374310169801586, 645894.2607421875, 987993.998046875]),
    ("1", "1", "1", "nearest", "1", 0, 1, [0.5046993616758868, 0.85303760973395781, 0.91453484863592704, 0.94343076248904467, 0.57681745153059116, 573530.19140625, 994301.0390625]),
    ("100", "2", "1", "nearest", "2", 1, 0, [0.0, 0.98523566210153879, 0.99256610870382511, 0.99487982313739365, 0.98703895523143315, 187935.5849609375, 190403.412109375]),
    ("100", "2", "1", "nearest", "2", 1, 1, [0.0, 0.96594755017634837, 0.98368030576883603, 0.99007665878351536, 0.9703448478881912, 185381.6474609375, 191047.1806640625]),
    ("100", "1", "0.5", "bilinear", "2", 0, 0, [0.73494421090449991, 0.97457785579444145, 0.98773023684696903, 0.99181870042614217, 0.78318885428893203, 188089.31323242188, 240158.31201171875]),
    ("100", "1", "0.5", "bilinear", "2", 0, 1, [0.63311528775128878, 0.94271777541071644, 0.97290642396129157, 0.9839290548741807, 0.69601149020555475, 167812.068359375, 241105.31323242188]),
    ("100", "1", "1.5", "bicubic", "2", 0, 0, [0.66085259034734689, 0.90348803787814536, 0.95131196205035828, 0.97164192543073202, 0.71223769758240296, 1265770.568359375, 1777174.3515625]),
    ("100", "1", "1.5", "bicubic", "2", 0, 1, [0.57723825129611661, 0.83439876669404067, 0.90273024772266319, 0.94114652659773423, 0.63253934235706877, 1131869.5517578125, 1789405.7744140625]),
    ("100", "1", "2", "lanczos4", "2", 0, 0, [0.6467960327253155, 0.86303513122953823, 0.92591614492543994, 0.95303646782793838, 0.69441343849416948, 2106302.275390625, 3033210.705078125]),
    ("100", "1", "2", "lanczos4", "2", 0, 1, [0.56717146533938056, 0.78653954248808011, 0.86478860283740455, 0.9132145261411776, 0.6162468545818246, 1883113.494140625, 3055777.859375]),
    ("100", "1", "0.75", "nearest", "0.5", 0, 0, [0.55217374056190938, 0.89543117563402508, 0.9460320684020741, 0.96771991533759816, 0.62490737094963356, 418238.69482421875, 669281.103515625]),
    ("100", "1", "0.75", "nearest", "0.5", 0, 1, [0.47217839140916062, 0.82243913329941065, 0.89470993099385965, 0.93286338820803261, 0.54740739981395603, 368738.5634765625, 673609.0224609375]),
];

#[test]
fn non_default_options_match_libvmaf_c() {
    let (r, d) = pair_paths("mandelbrot_481x271", "vp9_crf50");
    let def = features::by_name("float_vif").unwrap();
    let mut last = String::new();
    let mut col = Collector::new();
    let mut names = Vec::new();
    for &(egl, ks, ps, pm, snsq, skip, frame, expect) in C_REFERENCE {
        let mut opts = vec!["debug=true".to_string()];
        for (k, v, dflt) in [
            ("vif_enhn_gain_limit", egl, "100"),
            ("vif_kernelscale", ks, "1"),
            ("vif_prescale", ps, "1"),
            ("vif_prescale_method", pm, "nearest"),
            ("vif_sigma_nsq", snsq, "2"),
        ] {
            if v != dflt {
                opts.push(format!("{k}={v}"));
            }
        }
        if skip == 1 {
            opts.push("vif_skip_scale0=true".into());
        }
        let opts = opts.join(":");
        if opts != last {
            col = run_extractor("float_vif", &opts, &r, &d).unwrap();
            let o = def
                .parse_options(&FeatureDict::parse_colon_list(&opts).unwrap())
                .unwrap();
            names = features::output_names(def, &o);
            last = opts.clone();
        }
        let ours: Vec<f64> = (0..7).map(|k| col.get(&names[k], frame).unwrap()).collect();
        assert_eq!(ours.as_slice(), expect.as_slice(), "{opts} frame {frame}");
    }
}
