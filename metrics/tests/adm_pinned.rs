//! Integer ADM against values printed by libvmaf's own C code (integer_adm.c, scalar path,
//! commit f85a853) for synthetic frames the corpus does not cover: the 33-pixel minimum size,
//! 16-bit all-max content (i32 wrap in the DWT), 12-bit stripes, Barten CSF with its default
//! scale (wrapped weights, NaN aim) and blend mode 3 with skip_scale0. The numbers were
//! produced once with a scratch build outside the repository; nothing of libvmaf is built or
//! linked here.

use rvmaf::features::{self, FrameInput, FrameScores};
use rvmaf::{FeatureDict, Geometry, Picture, PixelFormat};
fn hash3(x: u32, y: u32, s: u32) -> u32 {
    let mut v =
        x.wrapping_mul(2654435761) ^ y.wrapping_mul(2246822519) ^ s.wrapping_mul(3266489917);
    v ^= v >> 15;
    v = v.wrapping_mul(2246822519);
    v ^= v >> 13;
    v = v.wrapping_mul(3266489917);
    v ^= v >> 16;
    v
}

/// Synthetic content, identical to the harness's `gen`: 0 smooth ramp + noise, 1 full-range
/// noise, 2 one-pixel full-contrast stripes, 3 all max, 4 all zero, 5 4-px checkerboard,
/// 6 smooth ramp only.
fn gen(kind: u32, x: u32, y: u32, s: u32, bpc: u32) -> u32 {
    let maxv = (1u32 << bpc) - 1;
    let sm = ((x * 7 + y * 3 + s * 11) % 256) << (bpc - 8);
    match kind {
        0 => (sm + hash3(x, y, s) % (8u32 << (bpc - 8))).min(maxv),
        1 => hash3(x, y, s) & maxv,
        2 => {
            if (x + s) & 1 == 1 {
                maxv
            } else {
                0
            }
        }
        3 => maxv,
        4 => 0,
        5 => {
            if ((x >> 2) + (y >> 2) + s) & 1 == 1 {
                maxv
            } else {
                0
            }
        }
        _ => sm,
    }
}

fn picture(w: usize, h: usize, bpc: u32, kind: u32, seed: u32) -> Picture {
    let g = Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bpc,
        width: w,
        height: h,
    };
    let mut p = Picture::new(g).unwrap();
    let v = |x: usize, y: usize| gen(kind, x as u32, y as u32, seed, bpc);
    if bpc == 8 {
        let d = p.plane_u8_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = v(x, y) as u8;
            }
        }
    } else {
        let d = p.plane_u16_mut(0).unwrap();
        for y in 0..h {
            for x in 0..w {
                d[y * w + x] = v(x, y) as u16;
            }
        }
    }
    p
}

struct Case {
    w: usize,
    h: usize,
    bpc: u32,
    rk: u32,
    rs: u32,
    dk: u32,
    ds: u32,
    frames: usize,
    opts: String,
}

impl Case {
    fn label(&self) -> String {
        format!(
            "{}x{} {}bit ref {}/{} dis {}/{} x{} [{}]",
            self.w, self.h, self.bpc, self.rk, self.rs, self.dk, self.ds, self.frames, self.opts
        )
    }
}

/// Builds the harness in a fresh temp dir; `None` (with the reason printed) when impossible.
fn run_rust(c: &Case) -> rvmaf::Result<Vec<FrameScores>> {
    let def = features::by_name("adm")?;
    let o = def.parse_options(&FeatureDict::parse_colon_list(&c.opts)?)?;
    let g = picture(c.w, c.h, c.bpc, c.rk, c.rs).geometry();
    let mut ext = (def.create)(&o, g)?;
    let mut res = Vec::new();
    for f in 0..c.frames {
        let r = picture(c.w, c.h, c.bpc, c.rk, c.rs + f as u32);
        let d = picture(c.w, c.h, c.bpc, c.dk, c.ds + f as u32);
        let mut out = FrameScores::new();
        ext.extract(
            &FrameInput {
                index: f,
                reference: r.view(),
                distorted: d.view(),
                prev_ref: None,
                prev_prev_ref: None,
            },
            &mut out,
        )?;
        res.push(out);
    }
    Ok(res)
}

/// libvmaf's outputs (all 18, debug order) for a few synthetic cases, printed by the harness
/// above from integer_adm.c at f85a853 (gcc 12, -O3 -std=c11, x86-64). Checked without the
/// mirror: the smallest accepted size, 16-bit all-max vs stripes (i32 wrap in the DWT), 12-bit
/// stripes vs black, Barten with its default scale (wrapped weights, NaN aim), mode 3 with
/// skip_scale0.
#[test]
#[allow(clippy::excessive_precision)] // libvmaf's %.17g text, verbatim
fn pinned_libvmaf_values() {
    #[rustfmt::skip]
    let pinned: [(Case, [f64; 18]); 5] = [
        (
            Case { w: 33, h: 33, bpc: 8, rk: 0, rs: 1, dk: 0, ds: 2, frames: 1, opts: String::new() },
            [0.67984608206339026, 0.25505053460700228, 0.71239777372819402, 0.40374877029370065,
             0.43600392599924409, 0.5602259808250325, 0.8615686560197956, 0.67984608206339026,
             136.04760408401489, 200.11530208587646, 6.0388979911804199, 14.95706844329834,
             12.330559730529785, 28.280845642089844, 32.501693725585938, 58.015327453613281,
             85.17645263671875, 98.862060546875],
        ),
        (
            Case { w: 80, h: 48, bpc: 16, rk: 3, rs: 0, dk: 2, ds: 0, frames: 1, opts: String::new() },
            [1.0, 2.0056344945886719, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 20.277105808258057,
             20.277105808258057, 8.5777187347412109, 8.5777187347412109, 5.669644832611084,
             5.669644832611084, 3.6993179321289062, 3.6993179321289062, 2.3304243087768555,
             2.3304243087768555],
        ),
        (
            Case { w: 72, h: 48, bpc: 12, rk: 2, rs: 5, dk: 4, ds: 6, frames: 1, opts: String::new() },
            [0.33404088590262937, 0.0, 0.66702044295131468, 0.17519016585651784, 1.0,
             0.93521782841320944, 0.9769111542783766, 0.33404088590262937, 19.580648899078369,
             58.6175217628479, 8.2272100448608398, 46.961597442626953, 5.451362133026123,
             5.451362133026123, 3.5716524124145508, 3.8190593719482422, 2.3304243087768555,
             2.385502815246582],
        ),
        (
            Case { w: 97, h: 61, bpc: 10, rk: 1, rs: 3, dk: 0, ds: 4, frames: 1, opts: "adm_csf_mode=1".into() },
            [0.0043502588631966826, f64::NAN, 0.0, 0.0051358097412792089, 0.0021993355563004438,
             0.0096535997170628784, 0.00025762740476505596, 0.0043502588631966826,
             228.38441848754883, 52499.041015625, 16.685317993164062, 3248.8193359375,
             19.232074737548828, 8744.4931640625, 187.02275085449219, 19373.369140625,
             5.44427490234375, 21132.359375],
        ),
        (
            Case { w: 64, h: 64, bpc: 8, rk: 0, rs: 1, dk: 0, ds: 2, frames: 1,
                   opts: "adm_csf_mode=3:adm_skip_scale0=true".into() },
            [0.8066646017379947, 0.20933182988317656, 0.79866638592740902, 0.0,
             0.46105869673804256, 0.74292327704441941, 0.93083090960621429, 0.8066646017379947,
             145.84706878662109, 180.80261421213612, 0.0, 1.000000013351432e-10,
             11.829212188720703, 25.65662956237793, 41.105518341064453, 55.329425811767578,
             92.912338256835938, 99.816558837890625],
        ),
    ];
    for (mut case, want) in pinned {
        case.opts = format!("debug=true:{}", case.opts);
        let got = run_rust(&case).unwrap();
        let got: Vec<f64> = got[0].entries().iter().map(|(_, v)| *v).collect();
        assert_eq!(got.len(), 18);
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()),
                "{} output {i} ({}): rvmaf {g:e} libvmaf {w:e}",
                case.label(),
                features::by_name("adm").unwrap().provided[i]
            );
        }
    }
}
