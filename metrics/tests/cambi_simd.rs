//! CAMBI: every SIMD kernel against the scalar oracle at every CPU level this machine runs
//! (random planes, every width up to several vectors and so every tail length, padded strides,
//! full-scale samples), and the whole extractor at every level against the scalar level on
//! corpus clips with several option sets.

mod common;
mod levels;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use common::{corpus_pairs, pair_paths};
use levels::{assert_identical, distinct_kernels, load_clip, run_frames, simd_levels};
use rvmaf::cpu::CpuLevel;
use rvmaf::features::cambi::kernels::{CambiKernels, Scratch, C_VALUES_SLACK};
use rvmaf::features::cambi::scalar::{self, CValueParams, To10Bit};
use rvmaf::features::cambi::{self, CambiSettings};
use rvmaf::features::{self};
use rvmaf::{FeatureDict, Geometry, PixelFormat};

/// The distinct SIMD kernel sets of this CPU.
fn kernels() -> Vec<CambiKernels> {
    distinct_kernels(CambiKernels::new, CambiKernels::level)
}

/// A `stride`×`h` plane of samples drawn by `f` (the columns past `w` too: the kernels must
/// leave them alone or read them exactly as the scalar code does).
fn plane(
    rng: &mut StdRng,
    stride: usize,
    h: usize,
    mut f: impl FnMut(&mut StdRng) -> u16,
) -> Vec<u16> {
    (0..stride * h).map(|_| f(rng)).collect()
}

/// Widths 1..=70 and a few large ones, with heights and strides that vary.
fn sizes() -> Vec<(usize, usize, usize)> {
    let mut v: Vec<_> = (1..=70)
        .map(|w| (w, 1 + w % 7, scalar::aligned_stride(w) + 32 * (w % 2)))
        .collect();
    v.extend([(1920, 3, 1920), (961, 5, 992), (333, 9, 352)]);
    v
}

#[test]
fn row_conversions() {
    let mut rng = StdRng::seed_from_u64(1);
    for k in kernels() {
        let s = Scratch::new(8, 1);
        drop(s);
        let scalar_k = CambiKernels::new(CpuLevel::Scalar);
        for w in 0..80 {
            let a8: Vec<u8> = (0..w).map(|_| rng.gen()).collect();
            for bpc in [6, 7, 8] {
                let conv = To10Bit::for_depth(bpc);
                let a8m: Vec<u8> = a8.iter().map(|&v| v >> (8 - bpc)).collect();
                let (mut x, mut y) = (vec![0u16; w], vec![0u16; w]);
                k.convert_row_u8(&a8m, &mut x, conv);
                scalar_k.convert_row_u8(&a8m, &mut y, conv);
                let want: Vec<u16> = a8m.iter().map(|&v| conv.apply(v as u32)).collect();
                assert_eq!(x, want, "u8 {bpc}-bit width {w}");
                assert_eq!(y, want);
            }
            for bpc in 9..=16 {
                let max = ((1u32 << bpc) - 1) as u16;
                let mut a: Vec<u16> = (0..w).map(|_| rng.gen_range(0..=max)).collect();
                if w > 0 && bpc % 2 == 0 {
                    a[w - 1] = max;
                }
                let conv = To10Bit::for_depth(bpc);
                let mut x = vec![0u16; w];
                k.convert_row_u16(&a, &mut x, conv);
                let want: Vec<u16> = a.iter().map(|&v| conv.apply(v as u32)).collect();
                assert_eq!(x, want, "u16 {bpc}-bit width {w}");
                assert_eq!(k.max_u16(&a), a.iter().copied().max().unwrap_or(0));
            }
        }
    }
}

#[test]
fn anti_dithering_parity() {
    let mut rng = StdRng::seed_from_u64(2);
    for k in kernels() {
        let sk = CambiKernels::new(CpuLevel::Scalar);
        for (w, h, stride) in sizes() {
            for max in [3u16, 1024] {
                let mut a = plane(&mut rng, stride, h, |r| r.gen_range(0..=max));
                if max == 1024 {
                    a.iter_mut().step_by(3).for_each(|v| *v = 1024);
                }
                let mut b = a.clone();
                k.anti_dithering_filter(&mut a, stride, w, h);
                sk.anti_dithering_filter(&mut b, stride, w, h);
                assert_eq!(a, b, "{w}x{h} stride {stride}");
            }
        }
    }
}

#[test]
fn spatial_mask_parity() {
    let mut rng = StdRng::seed_from_u64(3);
    for k in kernels() {
        let sk = CambiKernels::new(CpuLevel::Scalar);
        for (w, h, stride) in sizes() {
            for alphabet in [1u16, 2, 4, 1024] {
                let img = plane(&mut rng, stride, h.max(4) + 3, |r| r.gen_range(0..alphabet));
                let hh = h.max(4) + 3;
                let junk = plane(&mut rng, stride, hh, |r| r.gen());
                let (mut m1, mut m2) = (junk.clone(), junk);
                let (mut s1, mut s2) = (Scratch::new(w, 1), Scratch::new(w, 1));
                k.spatial_mask(&img, &mut m1, stride, w, hh, &mut s1);
                sk.spatial_mask(&img, &mut m2, stride, w, hh, &mut s2);
                assert_eq!(m1, m2, "{w}x{hh} stride {stride} alphabet {alphabet}");
                // a second call reuses the scratch
                k.spatial_mask(&img, &mut m1, stride, w, hh, &mut s1);
                assert_eq!(m1, m2);
            }
        }
    }
}

#[test]
fn decimate_and_mode_filter_parity() {
    let mut rng = StdRng::seed_from_u64(4);
    for k in kernels() {
        let sk = CambiKernels::new(CpuLevel::Scalar);
        for (w, h, stride) in sizes() {
            let (w2, h2) = (w.div_ceil(2), h.div_ceil(2));
            let a = plane(&mut rng, stride, h, |r| r.gen());
            let (mut x, mut y) = (a.clone(), a);
            k.decimate(&mut x, stride, w2, h2);
            sk.decimate(&mut y, stride, w2, h2);
            assert_eq!(x, y, "decimate {w}x{h} stride {stride}");
            for alphabet in [2u16, 3, 5, 65535] {
                let a = plane(&mut rng, stride, h + 2, |r| {
                    r.gen_range(0..alphabet).wrapping_mul(7)
                });
                let (mut x, mut y) = (a.clone(), a);
                let (mut s1, mut s2) = (Scratch::new(w, 1), Scratch::new(w, 1));
                k.filter_mode(&mut x, stride, w, h + 2, &mut s1);
                sk.filter_mode(&mut y, stride, w, h + 2, &mut s2);
                assert_eq!(
                    x,
                    y,
                    "mode {w}x{} stride {stride} alphabet {alphabet}",
                    h + 2
                );
            }
        }
    }
}

fn settings(opts: &str, w: usize, h: usize) -> CambiSettings {
    let dict = FeatureDict::parse_colon_list(opts).unwrap();
    let o = cambi::DEF.parse_options(&dict).unwrap();
    CambiSettings::resolve(
        &o,
        Geometry {
            format: PixelFormat::Yuv420,
            bit_depth: 10,
            width: w,
            height: h,
        },
    )
    .unwrap()
}

/// An image of horizontal runs of values near `center` (some outside the band), and a mask
/// of 0/1 runs.
fn c_value_inputs(
    rng: &mut StdRng,
    stride: usize,
    h: usize,
    center: i32,
    spread: i32,
) -> (Vec<u16>, Vec<u16>) {
    let mut img = vec![0u16; stride * h];
    let mut mask = vec![0u16; stride * h];
    for y in 0..h {
        let mut x = 0;
        while x < stride {
            let run = if rng.gen_range(0..3) == 0 {
                1
            } else {
                rng.gen_range(1..40)
            };
            let v = (center + rng.gen_range(-spread..=spread)).clamp(0, 1023) as u16;
            let m = rng.gen_range(0..5) != 0;
            for xx in x..(x + run).min(stride) {
                img[y * stride + xx] = v;
                mask[y * stride + xx] = m as u16;
            }
            x += run;
        }
    }
    (img, mask)
}

/// Compares one case; returns whether any c-value was non-zero.
fn check_c_values(
    k: &CambiKernels,
    p: &CValueParams,
    w: usize,
    h: usize,
    window: u16,
    seed: u64,
) -> bool {
    let mut rng = StdRng::seed_from_u64(seed);
    let stride = scalar::aligned_stride(w) + 32 * (seed as usize % 2);
    // values around the band, including its edges
    let center = match seed % 3 {
        0 => p.band_base as i32 + p.band_size as i32 / 2,
        1 => p.band_base as i32 + 2,
        _ => p.band_base as i32 + p.band_size as i32 - 3,
    };
    let spread = [2, 6, 40][(seed / 3 % 3) as usize];
    let (img, mask) = c_value_inputs(&mut rng, stride, h + 1, center, spread);
    let n = w * h + C_VALUES_SLACK;
    let (mut c1, mut c2) = (vec![f32::NAN; n], vec![f32::NAN; n]);
    let (mut s1, mut s2) = (
        Scratch::new(w, p.band_size as usize),
        Scratch::new(w, p.band_size as usize),
    );
    k.calculate_c_values(&img, &mask, stride, &mut c1, &mut s1, window, p, w, h);
    CambiKernels::new(CpuLevel::Scalar)
        .calculate_c_values(&img, &mask, stride, &mut c2, &mut s2, window, p, w, h);
    let bits = |c: &[f32]| c[..w * h].iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&c1), bits(&c2), "{w}x{h} window {window} seed {seed}");
    c2[..w * h].iter().any(|&v| v > 0.0)
}

#[test]
fn c_values_parity() {
    let configs = [
        "",
        "cambi_vis_lum_threshold=0.06",
        "max_log_contrast=0",
        "max_log_contrast=5",
        "eotf=pq:max_log_contrast=3",
    ];
    for k in kernels() {
        let (mut seed, mut nonzero) = (0, 0);
        for opts in configs {
            let p = settings(opts, 1920, 1080).params;
            for window in [3u16, 5, 9, 17, 33, 63, 65] {
                let pad = window as usize / 2;
                for (w, h) in [
                    (pad + 1, 2 * pad + 1),
                    (pad + 17, 2 * pad + 3),
                    (3 * pad + 20, 2 * pad + 10),
                    (100, 3 * pad + 7),
                    (257, 2 * pad + 2),
                ] {
                    seed += 1;
                    nonzero += check_c_values(&k, &p, w, h, window, seed) as u64;
                }
                // geometries that take libvmaf's overlapping phases (scalar inside)
                seed += 1;
                nonzero += check_c_values(&k, &p, pad + 3, pad + 2, window, seed) as u64;
            }
        }
        // the inputs must exercise the arithmetic, not only zeros
        assert!(
            nonzero * 10 > seed * 8,
            "{nonzero} of {seed} cases had c-values"
        );
    }
}

#[test]
fn c_values_parity_full_hd_scale() {
    for k in kernels() {
        let p = settings("", 1920, 1080).params;
        assert!(check_c_values(&k, &p, 1920, 40, 33, 11));
        assert!(check_c_values(&k, &p, 960, 60, 17, 12));
    }
}

fn create_at(opts: &str, g: Geometry, level: CpuLevel) -> Box<dyn features::Extractor> {
    let dict = FeatureDict::parse_colon_list(opts).unwrap();
    let o = cambi::DEF.parse_options(&dict).unwrap();
    cambi::create_at(&o, g, level).unwrap()
}

#[test]
fn extractor_parity_all_levels_on_corpus() {
    let levels = simd_levels();
    let opts = [
        "",
        "cambi_high_res_speedup=1080:cambi_vis_lum_threshold=0.06:cambi_max_val=17",
        "full_ref=true:max_log_contrast=3",
        "enc_bitdepth=8:topk=0.2:eotf=pq",
        "window_size=15",
    ];
    for (pair, dists) in corpus_pairs() {
        let Some(dis) = dists.first() else { continue };
        let (r, d) = pair_paths(&pair, dis);
        let (g, frames) = load_clip(&r, &d);
        if g.width < cambi::CAMBI_MIN_WIDTH_HEIGHT && g.height < cambi::CAMBI_MIN_WIDTH_HEIGHT {
            continue;
        }
        for o in opts {
            let dict = FeatureDict::parse_colon_list(o).unwrap();
            let parsed = cambi::DEF.parse_options(&dict).unwrap();
            if cambi::create_at(&parsed, g, CpuLevel::Scalar).is_err() {
                continue; // refused size for this window
            }
            let want = run_frames(&mut *create_at(o, g, CpuLevel::Scalar), &frames);
            for &level in &levels {
                let got = run_frames(&mut *create_at(o, g, level), &frames);
                assert_identical(&want, &got, &format!("{pair} '{o}' {level:?}"));
            }
        }
    }
}

/// Arrays for the selection: distinct values, many zeros, few distinct values, sorted runs.
fn select_input(rng: &mut StdRng, n: usize, kind: usize) -> Vec<f32> {
    let mut v: Vec<f32> = (0..n)
        .map(|_| match kind {
            0 => rng.gen_range(0.0..100.0),
            1 => {
                if rng.gen_range(0..10) < 9 {
                    0.0
                } else {
                    rng.gen_range(0.0..5.0)
                }
            }
            2 => {
                if rng.gen() {
                    0.0
                } else {
                    rng.gen_range(0.0..5.0)
                }
            }
            3 => rng.gen_range(0..4) as f32 * 0.25,
            // negative values, -0.0 and +0.0 mixed (the all-zero shortcut must not apply)
            7 => match rng.gen_range(0..6) {
                0 => -0.0,
                1 | 2 => 0.0,
                3 => -rng.gen_range(0.0..1.0),
                _ => rng.gen_range(0.0..1.0),
            },
            // NaNs among zeros
            8 => match rng.gen_range(0..8) {
                0 => f32::NAN,
                1 => rng.gen_range(0.0..1.0),
                _ => 0.0,
            },
            _ => 1.0,
        })
        .collect();
    match kind {
        5 => v.sort_by(|a, b| a.total_cmp(b)),
        6 => v.sort_by(|a, b| b.total_cmp(a)),
        _ => {}
    }
    // spatially clustered zeros, as unmasked areas give
    if kind == 2 && n > 100 {
        for x in &mut v[n / 3..n / 2] {
            *x = 0.0;
        }
    }
    v
}

#[test]
fn pooling_parity() {
    let mut rng = StdRng::seed_from_u64(5);
    for k in kernels() {
        let sk = CambiKernels::new(CpuLevel::Scalar);
        let mut sizes: Vec<usize> = (1..=200).collect();
        sizes.extend([255, 256, 257, 1000, 4097, 100_000]);
        for &n in &sizes {
            for kind in 0..9 {
                let a = select_input(&mut rng, n, kind);
                for sel in [1, n / 2, (n as f64 * 0.6) as usize, n.saturating_sub(1), n] {
                    let sel = sel.clamp(1, n);
                    let (mut x, mut y) = (a.clone(), a.clone());
                    k.quick_select(&mut x, n, sel);
                    sk.quick_select(&mut y, n, sel);
                    let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
                    assert_eq!(bits(&x), bits(&y), "n {n} kind {kind} k {sel}");
                }
                for topk in [0.0001, 0.2, 0.6, 1.0] {
                    let (mut x, mut y) = (a.clone(), a.clone());
                    let (w, h) = (n, 1);
                    let p1 = k.spatial_pooling(&mut x, topk, w, h);
                    let p2 = sk.spatial_pooling(&mut y, topk, w, h);
                    assert_eq!(p1.to_bits(), p2.to_bits(), "n {n} kind {kind} topk {topk}");
                }
            }
        }
    }
}
