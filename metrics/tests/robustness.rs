//! Bad input never panics: mutated Y4M streams, mutated model JSON, and every extractor on
//! every pixel format and bit depth at tiny and odd sizes (an error is fine, a panic is not).

use std::io::Cursor;
use std::path::Path;

use rand::{Rng, SeedableRng};
use rvmaf::features::{registry, FrameInput, FrameScores};
use rvmaf::io::{VideoReader, Y4mReader};
use rvmaf::{FeatureDict, Geometry, LoadedModel, ModelFlags, Picture, PixelFormat};

fn valid_y4m() -> Vec<u8> {
    let mut b = b"YUV4MPEG2 W5 H3 F25:1 C420p10\n".to_vec();
    for f in 0..3u8 {
        b.extend_from_slice(b"FRAME\n");
        for i in 0..(15 + 2 * 6) {
            b.extend_from_slice(&(((i as u16) * 37 + f as u16) & 1023).to_le_bytes());
        }
    }
    b
}

#[test]
fn mutated_y4m_streams_never_panic() {
    let base = valid_y4m();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for case in 0..4000 {
        let mut b = base.clone();
        match case % 4 {
            0 => {
                let n = rng.gen_range(0..b.len());
                b.truncate(n);
            }
            1 => {
                for _ in 0..rng.gen_range(1..4) {
                    let i = rng.gen_range(0..b.len());
                    b[i] = rng.gen();
                }
            }
            2 => {
                // mutate the header only
                let i = rng.gen_range(0..30);
                b[i] = *b"0123456789 WHFCIAXpmono:\n"
                    .get(rng.gen_range(0..25))
                    .unwrap();
            }
            _ => {
                let i = rng.gen_range(0..b.len());
                let extra: Vec<u8> = (0..rng.gen_range(1..20)).map(|_| rng.gen()).collect();
                b.splice(i..i, extra);
            }
        }
        let Ok(mut r) = Y4mReader::new(Box::new(Cursor::new(b)), Path::new("fuzz.y4m")) else {
            continue;
        };
        let g = r.geometry();
        if g.width * g.height > 1 << 22 {
            continue;
        }
        let Ok(mut pic) = Picture::new(g) else {
            continue;
        };
        for _ in 0..5 {
            match r.read_frame(&mut pic) {
                Ok(true) => {}
                _ => break,
            }
        }
    }
}

#[test]
fn mutated_model_json_never_panics() {
    let text = rvmaf::model::builtin_model_json("vmaf_v1.0.16_3d0h").unwrap();
    let bytes = text.as_bytes();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut loaded = 0;
    for case in 0..600 {
        let mut b = bytes.to_vec();
        match case % 3 {
            0 => {
                let n = rng.gen_range(0..b.len());
                b.truncate(n);
            }
            1 => {
                for _ in 0..rng.gen_range(1..6) {
                    let i = rng.gen_range(0..b.len());
                    b[i] = *b"0123456789.-e,:[]{}\"ntruefalsenull "
                        .get(rng.gen_range(0..35))
                        .unwrap();
                }
            }
            _ => {
                // swap a number for null / a string / an object
                let s = String::from_utf8_lossy(&b).into_owned();
                let repl = ["null", "\"x\"", "{}", "[]", "-1e999", "1e308"][rng.gen_range(0..6)];
                let positions: Vec<usize> = s
                    .match_indices(|c: char| c.is_ascii_digit())
                    .map(|(i, _)| i)
                    .collect();
                let p = positions[rng.gen_range(0..positions.len())];
                b = format!("{}{}{}", &s[..p], repl, &s[p + 1..]).into_bytes();
            }
        }
        let t = String::from_utf8_lossy(&b);
        if LoadedModel::from_json(&t, "fuzz", None, ModelFlags::default()).is_ok() {
            loaded += 1;
        }
    }
    assert!(loaded < 600, "mutations should break some models");
}

fn picture(g: Geometry, seed: u64) -> Picture {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut p = Picture::new(g).unwrap();
    let max = (1u32 << g.bit_depth) - 1;
    for plane in 0..g.format.num_planes() {
        match p.plane_u8_mut(plane) {
            Some(d) => d.iter_mut().for_each(|v| *v = rng.gen_range(0..=max) as u8),
            None => p
                .plane_u16_mut(plane)
                .unwrap()
                .iter_mut()
                .for_each(|v| *v = rng.gen_range(0..=max) as u16),
        }
    }
    p
}

#[test]
fn every_extractor_survives_odd_and_tiny_sizes() {
    let formats = [
        PixelFormat::Yuv400,
        PixelFormat::Yuv420,
        PixelFormat::Yuv422,
        PixelFormat::Yuv444,
    ];
    let sizes = [
        (1, 1),
        (2, 3),
        (7, 5),
        (16, 9),
        (33, 33),
        (35, 41),
        (64, 17),
        (17, 64),
        (129, 97),
    ];
    for def in registry() {
        let opts = def.parse_options(&FeatureDict::new()).unwrap();
        for &format in &formats {
            for bit_depth in [8, 9, 10, 12, 16] {
                for &(width, height) in &sizes {
                    let g = Geometry {
                        format,
                        bit_depth,
                        width,
                        height,
                    };
                    let Ok(mut ext) = (def.create)(&opts, g) else {
                        continue;
                    };
                    let pics: Vec<Picture> = (0..3).map(|s| picture(g, s)).collect();
                    for i in 0..3 {
                        let input = FrameInput {
                            index: i,
                            reference: pics[i].view(),
                            distorted: pics[(i + 1) % 3].view(),
                            prev_ref: (i >= 1).then(|| pics[i - 1].view()),
                            prev_prev_ref: (i >= 2).then(|| pics[i - 2].view()),
                        };
                        let mut out = FrameScores::new();
                        if ext.extract(&input, &mut out).is_err() {
                            break;
                        }
                        for (k, v) in out.entries() {
                            assert!(
                                !v.is_nan() || def.name == "adm",
                                "{} {k} NaN at {width}x{height} {format:?} {bit_depth}",
                                def.name
                            );
                        }
                    }
                }
            }
        }
    }
}
