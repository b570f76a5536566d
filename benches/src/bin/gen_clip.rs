//! Writes a synthetic reference/distorted Y4M pair for benchmarks (no large files in the repo).
//!
//! `gen_clip OUT_DIR [--width W] [--height H] [--frames N] [--bitdepth 8|10|12] [--distorted K]`
//! writes `OUT_DIR/ref.y4m` and `OUT_DIR/dis0.y4m` .. `dis{K-1}.y4m`: a panning, multi-scale
//! textured scene (4:2:0) and versions of it with blockiness, blur and noise of increasing
//! strength, so every feature has real work to do.

use std::io::Write;

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(default)
}

/// A deterministic hash → [0, 1).
fn hash(x: i64, y: i64, s: u32) -> f64 {
    let mut h = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ s as u64;
    h ^= h >> 31;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^= h >> 32;
    (h & 0xFFFF_FFFF) as f64 / 4294967296.0
}

/// Smooth value noise at a scale.
fn noise(x: f64, y: f64, scale: f64, s: u32) -> f64 {
    let (fx, fy) = (x / scale, y / scale);
    let (x0, y0) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = (fx - x0 as f64, fy - y0 as f64);
    let (sx, sy) = (tx * tx * (3.0 - 2.0 * tx), ty * ty * (3.0 - 2.0 * ty));
    let a = hash(x0, y0, s) * (1.0 - sx) + hash(x0 + 1, y0, s) * sx;
    let b = hash(x0, y0 + 1, s) * (1.0 - sx) + hash(x0 + 1, y0 + 1, s) * sx;
    a * (1.0 - sy) + b * sy
}

fn scene(x: f64, y: f64) -> f64 {
    let v = 0.45 * noise(x, y, 160.0, 1)
        + 0.25 * noise(x, y, 40.0, 2)
        + 0.15 * noise(x, y, 9.0, 3)
        + 0.15 * noise(x, y, 2.5, 4);
    let edges = if ((x / 97.0).floor() as i64 + (y / 61.0).floor() as i64) % 2 == 0 {
        0.08
    } else {
        -0.08
    };
    (v + edges).clamp(0.0, 1.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    const USAGE: &str = "usage: gen_clip OUT_DIR [--width W] [--height H] [--frames N] \
                         [--bitdepth 8|10|12] [--distorted K]";
    let out = match args.get(1) {
        Some(a) if !a.starts_with('-') => std::path::PathBuf::from(a),
        _ => {
            // `--help` (or any option first) prints the usage instead of becoming a directory.
            eprintln!("{USAGE}");
            std::process::exit(if args.get(1).is_some_and(|a| a == "--help" || a == "-h") {
                0
            } else {
                2
            });
        }
    };
    let w = arg(&args, "--width", 1920);
    let h = arg(&args, "--height", 1080);
    let frames = arg(&args, "--frames", 48);
    let bd = arg(&args, "--bitdepth", 8) as u32;
    let n_dis = arg(&args, "--distorted", 1);
    std::fs::create_dir_all(&out).unwrap();
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let cs = if bd == 8 {
        "C420jpeg".to_string()
    } else {
        format!("C420p{bd}")
    };
    let header = format!("YUV4MPEG2 W{w} H{h} F24:1 Ip A1:1 {cs}\n");
    let open = |name: &str| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(out.join(name)).unwrap());
        f.write_all(header.as_bytes()).unwrap();
        f
    };
    let mut files = vec![open("ref.y4m")];
    for k in 0..n_dis {
        files.push(open(&format!("dis{k}.y4m")));
    }
    let max = ((1u32 << bd) - 1) as f64;
    let (lo, hi) = (16.0 * max / 255.0, 235.0 * max / 255.0);
    let put = |f: &mut std::io::BufWriter<std::fs::File>, v: f64| {
        let q = v.round().clamp(0.0, max) as u32;
        if bd == 8 {
            f.write_all(&[q as u8]).unwrap();
        } else {
            f.write_all(&(q as u16).to_le_bytes()).unwrap();
        }
    };
    let mut plane = vec![0f64; w * h];
    for t in 0..frames {
        let (ox, oy) = (t as f64 * 5.3, t as f64 * 1.7);
        for y in 0..h {
            for x in 0..w {
                plane[y * w + x] = lo + (hi - lo) * scene(x as f64 + ox, y as f64 + oy);
            }
        }
        for (k, f) in files.iter_mut().enumerate() {
            f.write_all(b"FRAME\n").unwrap();
            // k = 0: reference; distorted k: block size 2^k-ish averaging, blur and noise.
            let block = if k == 0 { 1 } else { 2 + 2 * (k - 1) };
            let amp = (k as f64) * 0.012 * (hi - lo);
            for y in 0..h {
                for x in 0..w {
                    let v = if block == 1 {
                        plane[y * w + x]
                    } else {
                        let (bx, by) = (x / block * block, y / block * block);
                        let mut s = 0.0;
                        let mut n = 0.0;
                        for yy in by..(by + block).min(h) {
                            for xx in bx..(bx + block).min(w) {
                                s += plane[yy * w + xx];
                                n += 1.0;
                            }
                        }
                        0.5 * s / n
                            + 0.5 * plane[y * w + x]
                            + amp * (hash(x as i64, y as i64, t as u32 * 7 + k as u32) - 0.5)
                    };
                    put(f, v);
                }
            }
            for c in 0..2 {
                for y in 0..ch {
                    for x in 0..cw {
                        let base = 128.0 * max / 255.0;
                        let v = base
                            + (hi - lo)
                                * 0.15
                                * (noise(x as f64 * 2.0 + ox, y as f64 * 2.0 + oy, 120.0, 10 + c)
                                    - 0.5);
                        put(
                            f,
                            v + if k == 0 {
                                0.0
                            } else {
                                amp * 0.5 * (hash(x as i64, y as i64, 99 + k as u32) - 0.5)
                            },
                        );
                    }
                }
            }
        }
    }
    for f in &mut files {
        f.flush().unwrap();
    }
}
