//! Every clip of the conformance corpus parses with the frame count, size, pixel format and
//! bit depth the manifest records, including the files libvmaf's own CLI cannot read (odd
//! sizes, 8-bit 4:2:2, mono).

mod common;

use rvmaf::io::open_video;
use rvmaf::{Picture, PixelFormat};

#[test]
fn every_corpus_clip_parses() {
    let dir = common::corpus_dir();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut clips = 0;
    for pair in manifest["pairs"].as_array().unwrap() {
        let name = pair["name"].as_str().unwrap();
        let want_fmt = match pair["chroma"].as_str().unwrap() {
            "400" => PixelFormat::Yuv400,
            "420" => PixelFormat::Yuv420,
            "422" => PixelFormat::Yuv422,
            "444" => PixelFormat::Yuv444,
            c => panic!("unexpected chroma {c}"),
        };
        let files = std::iter::once("ref.y4m".to_string()).chain(
            pair["distortions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["file"].as_str().unwrap().to_string()),
        );
        for f in files {
            let path = dir.join(name).join(&f);
            let mut r = open_video(&path, None).unwrap_or_else(|e| panic!("{name}/{f}: {e}"));
            let g = r.geometry();
            assert_eq!(
                g.width as u64,
                pair["width"].as_u64().unwrap(),
                "{name}/{f}"
            );
            assert_eq!(
                g.height as u64,
                pair["height"].as_u64().unwrap(),
                "{name}/{f}"
            );
            assert_eq!(
                g.bit_depth as u64,
                pair["bit_depth"].as_u64().unwrap(),
                "{name}/{f}"
            );
            assert_eq!(g.format, want_fmt, "{name}/{f}");
            let mut pic = Picture::new(g).unwrap();
            let mut n = 0;
            while r.read_frame(&mut pic).unwrap() {
                n += 1;
            }
            assert_eq!(
                n,
                pair["frames"].as_u64().unwrap(),
                "{name}/{f} frame count"
            );
            clips += 1;
        }
    }
    assert_eq!(clips, 16 + 30);
}
