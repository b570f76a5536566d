//! Synthetic 1920x1080 4:2:0 pictures for the motion, CAMBI and SpEED benches: a smooth sky
//! gradient over the top half (flat, banded areas where CAMBI's mask and histograms work),
//! a textured ground that pans with the frame index (motion), and chroma planes with both.
//! The distorted picture is a softened, noisier copy whose sky is quantised to 8-bit levels
//! (banding CAMBI sees at 8 and 10 bits).

#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use rvmaf::{Geometry, Picture, PixelFormat};

/// Picture width.
pub const W: usize = 1920;
/// Picture height.
pub const H: usize = 1080;

/// Geometry of the bench pictures at `bpc` bits.
pub fn geometry(bpc: u32) -> Geometry {
    Geometry {
        format: PixelFormat::Yuv420,
        bit_depth: bpc,
        width: W,
        height: H,
    }
}

/// Sample of plane `p` (0 = luma) at (x, y) of frame `t`, in [0, 1].
fn value(p: usize, x: f64, y: f64, t: f64, w: f64, h: f64) -> f64 {
    let (u, v) = (x / w, y / h);
    if v < 0.5 {
        // sky: slow gradient, a faint horizontal drift
        let base = [0.22, 0.45, 0.55][p];
        base + 0.18 * v + 0.03 * u + 0.01 * (6.0 * u + 0.05 * t).sin()
    } else {
        // ground: texture panning 4 px/frame
        let xs = x + 4.0 * t;
        let base = [0.5, 0.48, 0.52][p];
        base + 0.12 * (xs * 0.031).sin() * (y * 0.017).cos()
            + 0.08 * (xs * 0.27 + y * 0.11).sin()
            + 0.05 * ((xs * 0.013).sin() * 7.0).sin()
    }
}

/// Frame `t` of the reference (`distorted == false`) or distorted stream at `bpc` bits.
pub fn picture(bpc: u32, t: usize, distorted: bool) -> Picture {
    let g = geometry(bpc);
    let mut pic = Picture::new(g).unwrap();
    let max = ((1u32 << bpc) - 1) as f64;
    let mut rng = StdRng::seed_from_u64(1000 * t as u64 + distorted as u64 + 7 * bpc as u64);
    for p in 0..3 {
        let (pw, ph) = g.plane_size(p);
        let scale = W as f64 / pw as f64;
        let mut samples = vec![0u16; pw * ph];
        for y in 0..ph {
            for x in 0..pw {
                let (fx, fy) = (x as f64 * scale, y as f64 * scale);
                let mut v = value(p, fx, fy, t as f64, W as f64, H as f64);
                let ground = fy >= H as f64 / 2.0;
                if ground {
                    v += rng.gen_range(-0.02..0.02);
                }
                if distorted {
                    // softer texture; the sky quantised to 8-bit steps (one 8-bit level is
                    // four 10-bit levels: visible banding for CAMBI at both depths)
                    v = 0.7 * v + 0.3 * value(p, fx + scale, fy, t as f64, W as f64, H as f64);
                    if ground {
                        v += rng.gen_range(-0.004..0.004);
                    } else {
                        v = (v * 255.0).round() / 255.0;
                    }
                }
                samples[y * pw + x] = (v.clamp(0.0, 1.0) * max).round() as u16;
            }
        }
        if bpc == 8 {
            for (o, &s) in pic.plane_u8_mut(p).unwrap().iter_mut().zip(&samples) {
                *o = s as u8;
            }
        } else {
            pic.plane_u16_mut(p).unwrap().copy_from_slice(&samples);
        }
    }
    pic
}

/// Criterion measurement of the calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`): on a
/// shared machine it leaves out the time the thread waits for a core, which wall-clock time
/// counts.
pub struct CpuTime;

fn thread_cpu() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant libc defines.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    std::time::Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

impl criterion::measurement::Measurement for CpuTime {
    type Intermediate = std::time::Duration;
    type Value = std::time::Duration;
    fn start(&self) -> Self::Intermediate {
        thread_cpu()
    }
    fn end(&self, start: Self::Intermediate) -> Self::Value {
        thread_cpu() - start
    }
    fn add(&self, a: &Self::Value, b: &Self::Value) -> Self::Value {
        *a + *b
    }
    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }
    fn to_f64(&self, v: &Self::Value) -> f64 {
        v.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn criterion::measurement::ValueFormatter {
        static WALL: criterion::measurement::WallTime = criterion::measurement::WallTime;
        WALL.formatter()
    }
}

/// Runs `bench` under thread CPU time ([`CpuTime`]), or under wall-clock time (Criterion's
/// default) when `RVMAF_BENCH_WALL` is set; command-line arguments (filters, `--bench`) apply.
pub fn run<F, G>(cpu: F, wall: G)
where
    F: FnOnce(&mut criterion::Criterion<CpuTime>),
    G: FnOnce(&mut criterion::Criterion<criterion::measurement::WallTime>),
{
    if std::env::var_os("RVMAF_BENCH_WALL").is_some() {
        let mut c = criterion::Criterion::default().configure_from_args();
        wall(&mut c);
        c.final_summary();
    } else {
        let mut c = criterion::Criterion::default()
            .with_measurement(CpuTime)
            .configure_from_args();
        cpu(&mut c);
        c.final_summary();
    }
}

/// Frames `0` and `1` of the reference and distorted streams at `bpc` bits: the synthetic
/// pictures, or frames of the 1920x1080 Y4M clips named by `RVMAF_BENCH_REF` and
/// `RVMAF_BENCH_DIS` when both are set and of this depth.
pub fn frames(bpc: u32) -> [(Picture, Picture); 2] {
    if let (Some(r), Some(d)) = (
        std::env::var_os("RVMAF_BENCH_REF"),
        std::env::var_os("RVMAF_BENCH_DIS"),
    ) {
        let mut r = rvmaf::io::open_video(r.as_ref(), None).expect("RVMAF_BENCH_REF");
        let mut d = rvmaf::io::open_video(d.as_ref(), None).expect("RVMAF_BENCH_DIS");
        if r.geometry().bit_depth == bpc {
            let mut read = || {
                let mut rp = Picture::new(r.geometry()).unwrap();
                let mut dp = Picture::new(d.geometry()).unwrap();
                assert!(r.read_frame(&mut rp).unwrap() && d.read_frame(&mut dp).unwrap());
                (rp, dp)
            };
            return [read(), read()];
        }
    }
    [
        (picture(bpc, 0, false), picture(bpc, 0, true)),
        (picture(bpc, 1, false), picture(bpc, 1, true)),
    ]
}
