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
